import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  asciiToBytes,
  bytesToHex,
  bytesToUtf8,
  concatBytes,
  equalBytes,
  hexToBytes,
  utf8ToBytes,
} from './bytes.js';

describe('hex', () => {
  it('decodes upper and lower case', () => {
    expect(hexToBytes('0aFf10')).toEqual(new Uint8Array([10, 255, 16]));
    expect(hexToBytes('')).toEqual(new Uint8Array(0));
  });

  it('encodes lowercase', () => {
    expect(bytesToHex(new Uint8Array([0, 10, 171, 255]))).toBe('000aabff');
  });

  it('rejects odd length and non-hex characters with a TypeError naming the problem', () => {
    expect(() => hexToBytes('abc')).toThrow(
      new TypeError('hex string must have an even length, got 3 characters'),
    );
    expect(() => hexToBytes('0g')).toThrow(
      new TypeError('hex string has a non-hex character "g" at index 1'),
    );
    expect(() => hexToBytes(' 0')).toThrow(TypeError);
    expect(() => hexToBytes('0x00')).toThrow(TypeError);
    expect(() => hexToBytes(12 as unknown as string)).toThrow(TypeError);
  });

  it('round-trips any bytes, and any hex string up to case', () => {
    fc.assert(
      fc.property(fc.uint8Array(), (b) => {
        expect(hexToBytes(bytesToHex(b))).toEqual(b);
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array(), (b) => {
        expect(bytesToHex(hexToBytes(bytesToHex(b).toUpperCase()))).toBe(bytesToHex(b));
      }),
    );
  });

  it('agrees with Buffer on every string: decodes exactly the even-length hex ones', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEFgx ') }), (s) => {
        const valid = /^(?:[0-9a-fA-F]{2})*$/.test(s);
        if (valid) expect(bytesToHex(hexToBytes(s))).toBe(Buffer.from(s, 'hex').toString('hex'));
        else expect(() => hexToBytes(s)).toThrow(TypeError);
      }),
    );
  });
});

describe('utf8 and ascii', () => {
  it('encodes Chinese as UTF-8', () => {
    expect(bytesToHex(utf8ToBytes('张三'))).toBe('e5bca0e4b889');
    expect(bytesToUtf8(hexToBytes('e5bca0e4b889'))).toBe('张三');
  });

  it('round-trips well-formed strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        expect(bytesToUtf8(utf8ToBytes(s))).toBe(s);
      }),
    );
  });

  it('rejects malformed UTF-8 with a TypeError', () => {
    expect(() => bytesToUtf8(new Uint8Array([0xe5, 0xbc]))).toThrow(TypeError);
    expect(() => bytesToUtf8(new Uint8Array([0xff]))).toThrow(TypeError);
  });

  it('keeps a byte-order mark', () => {
    expect(bytesToUtf8(new Uint8Array([0xef, 0xbb, 0xbf, 0x41]))).toBe('\ufeffA');
  });

  it('encodes ASCII one byte per character and rejects anything else', () => {
    expect(asciiToBytes('01:AB\u007f')).toEqual(new Uint8Array([48, 49, 58, 65, 66, 127]));
    expect(() => asciiToBytes('AB张')).toThrow(new TypeError('text must be ASCII, found U+5F20 at index 2'));
    expect(() => asciiToBytes('é')).toThrow(TypeError);
  });
});

describe('concatBytes', () => {
  it('concatenates in order into a new array', () => {
    const a = new Uint8Array([1, 2]);
    const out = concatBytes(a, new Uint8Array(0), new Uint8Array([3]));
    expect(out).toEqual(new Uint8Array([1, 2, 3]));
    out[0] = 9;
    expect(a[0]).toBe(1);
    expect(concatBytes()).toEqual(new Uint8Array(0));
  });

  it('rejects a non-Uint8Array argument', () => {
    expect(() => concatBytes(new Uint8Array(1), [1] as unknown as Uint8Array)).toThrow(
      new TypeError('argument 1 must be a Uint8Array, got Array'),
    );
  });
});

describe('equalBytes', () => {
  it('compares content and length', () => {
    expect(equalBytes(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(equalBytes(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false);
    expect(equalBytes(new Uint8Array([1, 2]), new Uint8Array([1, 2, 0]))).toBe(false);
    expect(equalBytes(new Uint8Array(0), new Uint8Array(0))).toBe(true);
  });

  it('detects a single flipped bit anywhere in random arrays', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1 }), fc.nat(), fc.integer({ min: 0, max: 7 }), (a, i, bit) => {
        const b = a.slice();
        b[i % b.length]! ^= 1 << bit;
        expect(equalBytes(a, b)).toBe(false);
        expect(equalBytes(a, a.slice())).toBe(true);
      }),
    );
  });

  it('rejects non-Uint8Array arguments', () => {
    expect(() => equalBytes('ab' as unknown as Uint8Array, new Uint8Array(2))).toThrow(TypeError);
  });
});
