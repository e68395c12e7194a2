import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes, utf8ToBytes } from '../bytes.js';
import { bigIntToBytes32, bytesToBigInt, N, Sm2Point } from './curve.js';
import { sm2ArithmeticBackend, useEngineForTesting } from './engine.js';
import { jsEngine } from './engine-js.js';
import { sm2CompressPublicKey, sm2GenerateKeyPair, sm2GetPublicKey, sm2PrivateKeyFromHex } from './keys.js';
import {
  SM2_DEFAULT_USER_ID,
  sm2ComputeZa,
  sm2MessageDigest,
  sm2PreparePrivateKey,
  sm2PreparePublicKey,
  sm2Sign,
  sm2SignWithNonce,
  sm2Verify,
} from './signature.js';
import { sm2SignatureFromDer, sm2SignatureToDer } from './signature-format.js';
import {
  ANNEX_K,
  ANNEX_PRIVATE_KEY,
  ANNEX_PUBLIC_KEY,
  ANNEX_SIGNATURE,
} from './test-vectors.test-helpers.js';

const privateKey = sm2PrivateKeyFromHex(ANNEX_PRIVATE_KEY);
const publicKey = hexToBytes(ANNEX_PUBLIC_KEY);
const message = utf8ToBytes(ANNEX_SIGNATURE.message);
const published = hexToBytes(ANNEX_SIGNATURE.r + ANNEX_SIGNATURE.s);

describe('GB/T 32918.5 Annex A signature example', () => {
  it('derives the published public key', () => {
    expect(bytesToHex(sm2GetPublicKey(privateKey)).toUpperCase()).toBe(ANNEX_PUBLIC_KEY);
  });

  it('computes the published Z_A and e', () => {
    expect(bytesToHex(sm2ComputeZa(publicKey)).toUpperCase()).toBe(ANNEX_SIGNATURE.za);
    expect(bytesToHex(sm2ComputeZa(publicKey, SM2_DEFAULT_USER_ID)).toUpperCase()).toBe(ANNEX_SIGNATURE.za);
    expect(bytesToHex(sm2MessageDigest(publicKey, message)).toUpperCase()).toBe(ANNEX_SIGNATURE.e);
  });

  it('reproduces r and s with the published k', () => {
    expect(bytesToHex(sm2SignWithNonce(privateKey, message, ANNEX_K)).toUpperCase()).toBe(
      ANNEX_SIGNATURE.r + ANNEX_SIGNATURE.s,
    );
    const prepared = sm2PreparePrivateKey(privateKey);
    expect(sm2SignWithNonce(prepared, message, ANNEX_K)).toEqual(published);
  });

  it('accepts the published signature, raw and DER, with raw and prepared keys', () => {
    expect(sm2Verify(publicKey, message, published)).toBe(true);
    expect(sm2Verify(publicKey, message, sm2SignatureToDer(published))).toBe(true);
    const prepared = sm2PreparePublicKey(publicKey);
    expect(sm2Verify(prepared, message, published)).toBe(true);
    expect(sm2Verify(prepared, message, sm2SignatureToDer(published), { format: 'der' })).toBe(true);
  });

  it('rejects it for another message, user ID or key', () => {
    expect(sm2Verify(publicKey, utf8ToBytes('message digesT'), published)).toBe(false);
    expect(sm2Verify(publicKey, message, published, { userId: '1234567812345679' })).toBe(false);
    expect(sm2Verify(sm2GetPublicKey(new Uint8Array(32).fill(7)), message, published)).toBe(false);
  });
});

describe('sm2Sign / sm2Verify', () => {
  it('round-trips with random k', () => {
    const signature = sm2Sign(privateKey, message);
    expect(signature.length).toBe(64);
    expect(sm2Verify(publicKey, message, signature)).toBe(true);
  });
});

describe('signature properties', () => {
  const keyPairs = fc.constant(null).map(() => sm2GenerateKeyPair());
  const messages = fc.uint8Array({ maxLength: 300 });

  it('verifies what it signs, for raw and prepared keys, raw and DER signatures', () => {
    fc.assert(
      fc.property(keyPairs, messages, fc.boolean(), (keys, message, der) => {
        const format = der ? 'der' : 'raw';
        const signature = sm2Sign(keys.privateKey, message, { format });
        expect(sm2Verify(keys.publicKey, message, signature)).toBe(true);
        expect(sm2Verify(sm2PreparePublicKey(keys.publicKey), message, signature, { format })).toBe(true);
        expect(sm2Verify(sm2CompressPublicKey(keys.publicKey), message, signature)).toBe(true);
        const prepared = sm2PreparePrivateKey(keys.privateKey);
        expect(sm2Verify(keys.publicKey, message, sm2Sign(prepared, message))).toBe(true);
      }),
      { numRuns: 30 },
    );
  });

  it('rejects a tampered message or signature', () => {
    const keys = sm2GenerateKeyPair();
    const prepared = sm2PreparePublicKey(keys.publicKey);
    fc.assert(
      fc.property(messages, fc.nat(), fc.nat(), (message, at, bit) => {
        const signature = sm2Sign(keys.privateKey, message);
        const flipped = signature.slice();
        flipped[at % 64]! ^= 1 << (bit % 8);
        expect(sm2Verify(prepared, message, flipped)).toBe(false);
        expect(sm2Verify(keys.publicKey, message, flipped)).toBe(false);
        const changed = Uint8Array.of(...message, at & 0xff);
        expect(sm2Verify(prepared, changed, signature)).toBe(false);
      }),
      { numRuns: 40 },
    );
  });

  it('converts raw ↔ DER losslessly, including short and high-bit r and s', () => {
    const raws = fc.oneof(
      fc.uint8Array({ minLength: 64, maxLength: 64 }),
      fc.tuple(fc.nat(31), fc.nat(31)).map(([zr, zs]) => {
        const raw = new Uint8Array(64).fill(0x80);
        raw.fill(0, 0, zr);
        raw.fill(0, 32, 32 + zs);
        return raw;
      }),
    );
    fc.assert(
      fc.property(raws, (raw) => {
        const der = sm2SignatureToDer(raw);
        expect(der.length).toBeLessThanOrEqual(72);
        expect(sm2SignatureFromDer(der)).toEqual(raw);
      }),
    );
  });

  it('gives the same verdicts as the verification equation computed with noble alone', () => {
    const keys = sm2GenerateKeyPair();
    fc.assert(
      fc.property(messages, fc.boolean(), (message, tamper) => {
        const signature = sm2Sign(keys.privateKey, message);
        if (tamper) signature[5]! ^= 0x40;
        const e = bytesToBigInt(sm2MessageDigest(keys.publicKey, message));
        const r = bytesToBigInt(signature.subarray(0, 32));
        const s = bytesToBigInt(signature.subarray(32));
        const t = (r + s) % N;
        const point = Sm2Point.fromBytes(keys.publicKey);
        const expected = t !== 0n && (e + Sm2Point.BASE.multiply(s).add(point.multiply(t)).x) % N === r;
        expect(sm2Verify(keys.publicKey, message, signature)).toBe(expected);
        expect(expected).toBe(!tamper);
      }),
      { numRuns: 20 },
    );
  });
});

describe('out-of-range signatures are false, misuse throws', () => {
  const keys = sm2GenerateKeyPair();
  const message = utf8ToBytes('m');
  const raw = (r: bigint, s: bigint) => {
    const out = new Uint8Array(64);
    out.set(bigIntToBytes32(r), 0);
    out.set(bigIntToBytes32(s), 32);
    return out;
  };

  it('returns false for r or s outside [1, n − 1] and for r + s = n', () => {
    for (const [r, s] of [
      [0n, 1n],
      [1n, 0n],
      [N, 1n],
      [1n, N],
      [(1n << 256n) - 1n, 5n],
      [5n, N - 5n],
    ] as const) {
      expect(sm2Verify(keys.publicKey, message, raw(r, s))).toBe(false);
      expect(sm2Verify(keys.publicKey, message, sm2SignatureToDer(raw(r, s)))).toBe(false);
    }
    const tiny = sm2SignatureToDer(raw(1n, 1n));
    const longR = Uint8Array.of(0x30, 0x26, 0x02, 0x21, 0x01, ...new Uint8Array(32), 0x02, 0x01, 0x01);
    expect(sm2Verify(keys.publicKey, message, longR)).toBe(false);
    expect(() => sm2SignatureFromDer(longR)).toThrow(RangeError);
    expect(sm2Verify(keys.publicKey, message, tiny)).toBe(false);
  });

  it('throws on malformed DER, wrong lengths and wrong types', () => {
    const signature = sm2Sign(keys.privateKey, message, { format: 'der' });
    expect(() => sm2Verify(keys.publicKey, message, signature.subarray(0, 10))).toThrow(/malformed DER/);
    expect(() => sm2Verify(keys.publicKey, message, Uint8Array.of(...signature, 0))).toThrow(
      /unexpected data/,
    );
    expect(() => sm2Verify(keys.publicKey, message, new Uint8Array(65), { format: 'raw' })).toThrow(
      RangeError,
    );
    expect(() => sm2Verify(keys.publicKey, message, new Uint8Array(64), { format: 'der' })).toThrow(
      TypeError,
    );
    expect(() => sm2Verify(keys.publicKey.subarray(1), message, signature)).toThrow(RangeError);
    expect(() => sm2Verify(keys.publicKey, 'm' as unknown as Uint8Array, signature)).toThrow(TypeError);
    expect(() => sm2Verify({} as never, message, signature)).toThrow(TypeError);
    expect(() => sm2Sign(keys.privateKey, message, { format: 'hex' as never })).toThrow(TypeError);
    expect(() => sm2Sign(keys.privateKey.subarray(1), message)).toThrow(RangeError);
    expect(() => sm2Sign(keys.privateKey, message, { userId: new Uint8Array(8192) })).toThrow(RangeError);
    expect(() => sm2SignatureToDer(new Uint8Array(63))).toThrow(RangeError);
  });

  it('keeps the prepared private key out of JSON', () => {
    const prepared = sm2PreparePrivateKey(keys.privateKey);
    expect(JSON.stringify(prepared)).not.toContain(bytesToHex(keys.privateKey));
    expect(Object.values(prepared).some((v) => typeof v === 'bigint')).toBe(false);
  });
});

describe('the whole scheme on the noble-curves engine (the WebAssembly fallback)', () => {
  beforeAll(() => useEngineForTesting(jsEngine));
  afterAll(() => useEngineForTesting(undefined));

  it('reproduces the published example and interoperates with the WebAssembly engine', () => {
    expect(sm2ArithmeticBackend()).toBe('js');
    expect(sm2SignWithNonce(privateKey, message, ANNEX_K)).toEqual(published);
    const prepared = sm2PreparePublicKey(publicKey);
    expect(sm2Verify(prepared, message, published)).toBe(true);
    expect(sm2Verify(prepared, utf8ToBytes('x'), published)).toBe(false);
    const signature = sm2Sign(privateKey, message);
    useEngineForTesting(undefined);
    expect(sm2ArithmeticBackend()).toBe('wasm');
    expect(sm2Verify(publicKey, message, signature)).toBe(true);
    expect(sm2Verify(prepared, message, signature)).toBe(true); // prepared by the JS engine
  });
});
