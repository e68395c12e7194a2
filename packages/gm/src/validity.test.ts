import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from './bytes.js';
import { opensslSm4 } from './openssl.test-helpers.js';
import { sm4EncryptEcb } from './sm4.js';
import { decryptValidity, encryptValidity, ValidityError } from './validity.js';

const KEY = hexToBytes('00112233445566778899AABBCCDDEEFF');

function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return e instanceof ValidityError ? e.reason : `other: ${String(e)}`;
  }
  return 'no error';
}

describe('encryptValidity', () => {
  it('encrypts YYYYMMDDHHMMSS in China Standard Time as BCD, zero-padded, like `openssl enc -sm4-ecb`', () => {
    const expiry = new Date('2025-01-02T03:04:05+08:00');
    const block = hexToBytes(`20250102030405${'00'.repeat(9)}`);
    const expected = bytesToHex(opensslSm4('ecb', 'encrypt', KEY, undefined, block, true)).toUpperCase();
    expect(encryptValidity(expiry, KEY)).toBe(expected);
  });

  it('uses UTC+8 whatever the process time zone is', () => {
    // 2024-12-31T20:00Z is 2025-01-01 04:00 in Shanghai.
    const expiry = new Date('2024-12-31T20:00:00Z');
    const expected = bytesToHex(
      sm4EncryptEcb(KEY, hexToBytes(`20250101040000${'00'.repeat(9)}`), { padding: 'none' }),
    );
    const saved = process.env['TZ'];
    try {
      for (const tz of ['UTC', 'America/New_York', 'Asia/Kolkata']) {
        process.env['TZ'] = tz;
        expect(encryptValidity(expiry, KEY), tz).toBe(expected.toUpperCase());
      }
    } finally {
      if (saved === undefined) delete process.env['TZ'];
      else process.env['TZ'] = saved;
    }
  });

  it('drops milliseconds', () => {
    expect(encryptValidity(new Date('2025-01-02T03:04:05.999+08:00'), KEY)).toBe(
      encryptValidity(new Date('2025-01-02T03:04:05.000+08:00'), KEY),
    );
  });

  it('rejects misuse', () => {
    expect(() => encryptValidity('2025-01-01' as unknown as Date, KEY)).toThrow(
      new TypeError('expiry must be a Date, got string'),
    );
    expect(() => encryptValidity(new Date(Number.NaN), KEY)).toThrow(
      new RangeError('expiry is an invalid Date'),
    );
    expect(() => encryptValidity(new Date('+010000-01-01T00:00:00Z'), KEY)).toThrow(RangeError);
    expect(() => encryptValidity(new Date(), new Uint8Array(8))).toThrow(
      new RangeError('protectionKey must be 16 bytes, got 8'),
    );
  });
});

describe('decryptValidity', () => {
  it('round-trips any instant between 2000 and 9999 to the second', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('2000-01-01T00:00:00Z'),
          max: new Date('9999-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        (expiry, key) => {
          const field = encryptValidity(expiry, key);
          expect(field).toMatch(/^[0-9A-F]{32}$/);
          expect(decryptValidity(field, key).getTime()).toBe(Math.floor(expiry.getTime() / 1000) * 1000);
          expect(decryptValidity(field.toLowerCase(), key).getTime()).toBe(
            decryptValidity(field, key).getTime(),
          );
        },
      ),
    );
  });

  it('rejects malformed fields', () => {
    const field = encryptValidity(new Date(), KEY);
    for (const bad of ['', field.slice(1), `${field}0`, `${field.slice(1)}G`, ` ${field.slice(1)}`]) {
      expect(
        reasonOf(() => decryptValidity(bad, KEY)),
        bad,
      ).toBe('MALFORMED');
    }
  });

  it('rejects a wrong key or an altered field as UNDECRYPTABLE', () => {
    const field = encryptValidity(new Date('2025-06-01T00:00:00+08:00'), KEY);
    expect(reasonOf(() => decryptValidity(field, new Uint8Array(16)))).toBe('UNDECRYPTABLE');
    fc.assert(
      fc.property(fc.nat(31), fc.integer({ min: 1, max: 15 }), (position, delta) => {
        const digit = ((Number.parseInt(field[position]!, 16) + delta) % 16).toString(16).toUpperCase();
        const altered = field.slice(0, position) + digit + field.slice(position + 1);
        expect(reasonOf(() => decryptValidity(altered, KEY))).toBe('UNDECRYPTABLE');
      }),
    );
  });

  it('rejects BCD digits that are not a real time as INVALID_TIME', () => {
    for (const digits of [
      '20250230120000',
      '20251301000000',
      '20250101240000',
      '20250101006000',
      '20250101000060',
    ]) {
      const field = bytesToHex(
        sm4EncryptEcb(KEY, hexToBytes(`${digits}${'00'.repeat(9)}`), { padding: 'none' }),
      );
      expect(
        reasonOf(() => decryptValidity(field, KEY)),
        digits,
      ).toBe('INVALID_TIME');
    }
  });

  it('has a precise message and name', () => {
    try {
      decryptValidity('XYZ', KEY);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidityError);
      expect((e as Error).name).toBe('ValidityError');
      expect((e as Error).message).toBe('a validity field is 32 hex characters, got 3 characters');
    }
  });

  it('rejects misuse with TypeError / RangeError', () => {
    expect(() => decryptValidity(123 as unknown as string, KEY)).toThrow(TypeError);
    expect(() => decryptValidity('0'.repeat(32), new Uint8Array(17))).toThrow(RangeError);
  });
});
