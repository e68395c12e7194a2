import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../bytes.js';
import { bigIntToBytes32, N, P, Sm2Point } from './curve.js';
import {
  sm2CompressPublicKey,
  sm2DecompressPublicKey,
  sm2GenerateKeyPair,
  sm2GeneratePrivateKey,
  sm2GetPublicKey,
  sm2IsValidPrivateKey,
  sm2IsValidPublicKey,
  sm2PrivateKeyFromHex,
  sm2PrivateKeyToHex,
  sm2PublicKeyFromHex,
  sm2PublicKeyToHex,
} from './keys.js';
import { ANNEX_PRIVATE_KEY, ANNEX_PUBLIC_KEY } from './test-vectors.test-helpers.js';

const scalar = fc.bigInt({ min: 1n, max: N - 2n });

describe('key generation', () => {
  it('draws valid, distinct private keys and matching public keys', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const { privateKey, publicKey } = sm2GenerateKeyPair();
      expect(privateKey.length).toBe(32);
      expect(sm2IsValidPrivateKey(privateKey)).toBe(true);
      expect(publicKey).toEqual(sm2GetPublicKey(privateKey));
      seen.add(bytesToHex(privateKey));
    }
    expect(seen.size).toBe(20);
    expect(sm2IsValidPrivateKey(sm2GeneratePrivateKey())).toBe(true);
  });

  it('derives [d]G as noble does, uncompressed and compressed', () => {
    fc.assert(
      fc.property(scalar, (d) => {
        const expected = Sm2Point.BASE.multiply(d);
        expect(sm2GetPublicKey(bigIntToBytes32(d))).toEqual(expected.toBytes(false));
        expect(sm2GetPublicKey(bigIntToBytes32(d), true)).toEqual(expected.toBytes(true));
      }),
      { numRuns: 50 },
    );
  });
});

describe('private key range [1, n − 2]', () => {
  it('accepts the ends and rejects 0, n − 1, n and wrong lengths', () => {
    expect(sm2IsValidPrivateKey(bigIntToBytes32(1n))).toBe(true);
    expect(sm2IsValidPrivateKey(bigIntToBytes32(N - 2n))).toBe(true);
    for (const d of [0n, N - 1n, N, (1n << 256n) - 1n]) {
      expect(sm2IsValidPrivateKey(bigIntToBytes32(d))).toBe(false);
      expect(() => sm2GetPublicKey(bigIntToBytes32(d))).toThrow(RangeError);
    }
    expect(() => sm2GetPublicKey(new Uint8Array(31).fill(1))).toThrow(/must be 32 bytes, got 31/);
    expect(() => sm2GetPublicKey('01' as unknown as Uint8Array)).toThrow(TypeError);
    expect(sm2IsValidPrivateKey([1, 2] as unknown as Uint8Array)).toBe(false);
  });
});

describe('public key encoding and validation', () => {
  const annex = hexToBytes(ANNEX_PUBLIC_KEY);

  it('compresses and decompresses losslessly', () => {
    fc.assert(
      fc.property(scalar, (d) => {
        const full = sm2GetPublicKey(bigIntToBytes32(d));
        const compressed = sm2CompressPublicKey(full);
        expect(compressed.length).toBe(33);
        expect(compressed[0]).toBe(full[64]! & 1 ? 0x03 : 0x02);
        expect(sm2DecompressPublicKey(compressed)).toEqual(full);
        expect(sm2IsValidPublicKey(compressed)).toBe(true);
      }),
      { numRuns: 30 },
    );
  });

  it('rejects points off the curve, coordinates ≥ p, infinity and bad prefixes', () => {
    const offCurve = annex.slice();
    offCurve[64]! ^= 1;
    const xTooLarge = new Uint8Array(65);
    xTooLarge[0] = 0x04;
    xTooLarge.set(bigIntToBytes32(P), 1);
    const noSquareRoot = (() => {
      // A compressed x with no point on the curve.
      for (let x = 1n; ; x++) {
        const key = new Uint8Array(33);
        key[0] = 0x02;
        key.set(bigIntToBytes32(x), 1);
        if (!sm2IsValidPublicKey(key)) return key;
      }
    })();
    for (const bad of [offCurve, xTooLarge, noSquareRoot, new Uint8Array(65)]) {
      expect(sm2IsValidPublicKey(bad)).toBe(false);
    }
    expect(() => sm2CompressPublicKey(offCurve)).toThrow(/not a point on the SM2 curve/);
    const badPrefix = annex.slice();
    badPrefix[0] = 0x05;
    expect(() => sm2CompressPublicKey(badPrefix)).toThrow(/must start with 0x04, got 0x05/);
    expect(() => sm2CompressPublicKey(Uint8Array.of(0))).toThrow(RangeError);
    expect(() => sm2CompressPublicKey(annex.subarray(1))).toThrow(/65 bytes .* or 33 bytes .*, got 64/);
    expect(sm2IsValidPublicKey(annex)).toBe(true);
  });
});

describe('hex forms', () => {
  it('reads and writes keys as hex', () => {
    const privateKey = sm2PrivateKeyFromHex(ANNEX_PRIVATE_KEY.toLowerCase());
    expect(sm2PrivateKeyToHex(privateKey)).toBe(ANNEX_PRIVATE_KEY);
    expect(sm2PublicKeyToHex(sm2GetPublicKey(privateKey))).toBe(ANNEX_PUBLIC_KEY);
    expect(sm2PublicKeyFromHex(ANNEX_PUBLIC_KEY)).toEqual(hexToBytes(ANNEX_PUBLIC_KEY));
    expect(sm2PublicKeyFromHex(ANNEX_PUBLIC_KEY.slice(2))).toEqual(hexToBytes(ANNEX_PUBLIC_KEY));
    const compressedHex = sm2PublicKeyToHex(hexToBytes(ANNEX_PUBLIC_KEY), true);
    expect(compressedHex).toMatch(/^0[23][0-9A-F]{64}$/);
    expect(sm2DecompressPublicKey(sm2PublicKeyFromHex(compressedHex))).toEqual(hexToBytes(ANNEX_PUBLIC_KEY));
  });

  it('names what is wrong', () => {
    expect(() => sm2PrivateKeyFromHex('00')).toThrow(/64 characters, got 2/);
    expect(() => sm2PrivateKeyFromHex('0'.repeat(64))).toThrow(/out of range/);
    expect(() => sm2PrivateKeyFromHex('G'.repeat(64))).toThrow(TypeError);
    expect(() => sm2PublicKeyFromHex('04')).toThrow(/130, 66 or 128 characters/);
    expect(() => sm2PublicKeyFromHex(`${ANNEX_PUBLIC_KEY.slice(0, 128)}00`)).toThrow(/not a point/);
  });
});
