import { describe, expect, it } from 'vitest';
import { maskIdNumber, maskPhone, maskSensitiveText, maskSensitiveValue } from './mask.js';

describe('masking', () => {
  it('masks ID and phone numbers in the documented shapes', () => {
    expect(maskIdNumber('11010020171225006X')).toBe('110***********006X');
    expect(maskPhone('13812341234')).toBe('138****1234');
  });

  it('masks identifiers inside free text and leaves digests and timestamps alone', () => {
    const digest = 'a'.repeat(20) + '11010020171225006X'; // part of a longer token: not an ID
    const text = `id 11010020171225006X phone 13812341234 +86 13912345678 at 20261122130000 ${digest}`;
    expect(maskSensitiveText(text)).toBe(
      `id 110***********006X phone 138****1234 +86 139****5678 at 20261122130000 ${digest}`,
    );
    expect(maskSensitiveText('old id 110100171225006')).toBe('old id 110********5006');
  });

  it('masks nested values and survives cycles', () => {
    const value: Record<string, unknown> = { a: { b: ['13812341234'] } };
    value['self'] = value;
    expect(maskSensitiveValue(value)).toEqual({ a: { b: ['138****1234'] }, self: '[Circular]' });
  });
});

describe('masking errors', () => {
  it('keeps message, stack and cause of an Error, masked', () => {
    const error = new Error('lookup of 11010020171225006X failed', { cause: new Error('phone 13812341234') });
    const masked = maskSensitiveValue({ err: error }) as {
      err: { type: string; message: string; stack: string; cause: { message: string } };
    };
    expect(masked.err.type).toBe('Error');
    expect(masked.err.message).toBe('lookup of 110***********006X failed');
    expect(masked.err.stack).toContain('110***********006X');
    expect(masked.err.stack).not.toContain('11010020171225006X');
    expect(masked.err.cause.message).toBe('phone 138****1234');
  });
});
