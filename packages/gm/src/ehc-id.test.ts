import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes, utf8ToBytes } from './bytes.js';
import { computeEhcId, computeMasterIndex, deriveCardFactor, deriveCardKey } from './ehc-id.js';
import { opensslSm3 } from './openssl.test-helpers.js';

// EHC-FORMATS §2, published vector.
const MASTER_INDEX = 'ABD17E7ED399EF68AB5660155D6E226D2C92EAC3254A4A66BED83AED0ADA1E9E';
const SECURITY_KEY = hexToBytes('0123456789ABCDEFFEDCBA9876543210');
const VECTOR = {
  masterIndex: MASTER_INDEX,
  idType: '01',
  idNo: '11010020171225006X',
  securityKey: SECURITY_KEY,
};

describe('EHC ID (published vector)', () => {
  it('derives the factor', () => {
    expect(bytesToHex(deriveCardFactor(MASTER_INDEX)).toUpperCase()).toBe('92CDCE45A16799FD');
  });

  it('derives the card key', () => {
    expect(bytesToHex(deriveCardKey(MASTER_INDEX, SECURITY_KEY)).toUpperCase()).toBe(
      '86C63180C2806ED1F47B859DE501215B',
    );
  });

  it('computes the EHC ID', () => {
    expect(computeEhcId(VECTOR)).toBe('98FF9F2C05145CB9305E9D8A57E072BB51180CA49E5BE5E9D41BCE3A9A571928');
  });

  it('accepts the master index in lower case', () => {
    expect(computeEhcId({ ...VECTOR, masterIndex: MASTER_INDEX.toLowerCase() })).toBe(computeEhcId(VECTOR));
  });
});

describe('computeEhcId', () => {
  it('changes with every input and is 64 uppercase hex', () => {
    const base = computeEhcId(VECTOR);
    expect(base).toMatch(/^[0-9A-F]{64}$/);
    expect(computeEhcId({ ...VECTOR, idType: '02' })).not.toBe(base);
    expect(computeEhcId({ ...VECTOR, idNo: '110100201712250061' })).not.toBe(base);
    expect(computeEhcId({ ...VECTOR, masterIndex: `${MASTER_INDEX.slice(0, 63)}F` })).not.toBe(base);
    expect(computeEhcId({ ...VECTOR, securityKey: new Uint8Array(16) })).not.toBe(base);
  });

  it('depends on the master index only through the factor', () => {
    // Swapping two 8-byte groups leaves their XOR, and so the EHC ID, unchanged.
    const swapped = MASTER_INDEX.slice(16, 32) + MASTER_INDEX.slice(0, 16) + MASTER_INDEX.slice(32);
    expect(computeEhcId({ ...VECTOR, masterIndex: swapped })).toBe(computeEhcId(VECTOR));
  });

  it('accepts up to 32 characters of idType ‖ idNo and rejects more', () => {
    expect(computeEhcId({ ...VECTOR, idType: '99', idNo: 'A'.repeat(30) })).toMatch(/^[0-9A-F]{64}$/);
    expect(() => computeEhcId({ ...VECTOR, idType: '99', idNo: 'A'.repeat(31) })).toThrow(
      new RangeError('idType and idNo together must be at most 32 characters, got 33'),
    );
  });

  it('rejects bad inputs with precise errors', () => {
    expect(() => computeEhcId({ ...VECTOR, idNo: '' })).toThrow(
      new RangeError('idType and idNo must not be empty'),
    );
    expect(() => computeEhcId({ ...VECTOR, idNo: '张三' })).toThrow(TypeError);
    expect(() => computeEhcId({ ...VECTOR, idNo: 'AB\u0000' })).toThrow(TypeError);
    expect(() => computeEhcId({ ...VECTOR, idNo: 'AB CD' })).toThrow(TypeError);
    expect(() => computeEhcId({ ...VECTOR, masterIndex: MASTER_INDEX.slice(2) })).toThrow(
      new RangeError('masterIndex must be 64 hex characters, got 62'),
    );
    expect(() => computeEhcId({ ...VECTOR, masterIndex: `${MASTER_INDEX.slice(1)}G` })).toThrow(TypeError);
    expect(() => computeEhcId({ ...VECTOR, securityKey: new Uint8Array(15) })).toThrow(
      new RangeError('securityKey must be 16 bytes, got 15'),
    );
  });
});

describe('computeMasterIndex', () => {
  it('is SM3 over the UTF-8 of idType ‖ idNo ‖ name, in uppercase hex', () => {
    const input = { idType: '01', idNo: '11010020171225006X', name: '张三' };
    const expected = bytesToHex(opensslSm3(utf8ToBytes('0111010020171225006X张三'))).toUpperCase();
    expect(computeMasterIndex(input)).toBe(expected);
    expect(computeMasterIndex(input)).toMatch(/^[0-9A-F]{64}$/);
  });

  it('feeds computeEhcId for any identity', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('01', '03', '111'),
        fc.stringMatching(/^[0-9A-Z]{1,18}$/),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }),
        (idType, idNo, name) => {
          const masterIndex = computeMasterIndex({ idType, idNo, name });
          expect(computeEhcId({ masterIndex, idType, idNo, securityKey: SECURITY_KEY })).toMatch(
            /^[0-9A-F]{64}$/,
          );
        },
      ),
    );
  });

  it('throws a TypeError for a non-string field', () => {
    expect(() => computeMasterIndex({ idType: '01', idNo: 1 as unknown as string, name: 'x' })).toThrow(
      new TypeError('idNo must be a string, got number'),
    );
  });
});
