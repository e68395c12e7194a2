/**
 * SM2 key pairs: generation from the CSPRNG, public key derivation, point encoding (uncompressed
 * 04 ‖ x ‖ y and compressed 02/03 ‖ x), public key validation, and hex forms. A private key is
 * 32 big-endian bytes d ∈ [1, n − 2]; a public key is an encoded point.
 *
 * @module
 */

import { ensureBytes, ensureString } from '../assert.js';
import { bytesToHex, hexToBytes } from '../bytes.js';
import { bigIntToBytes32, bytesToBigInt, N, randomScalar, Sm2Point } from './curve.js';
import { getEngine } from './engine.js';

/**
 * Bytes of a private key.
 *
 * @example
 * privateKey.length === SM2_PRIVATE_KEY_BYTES; // 32
 */
export const SM2_PRIVATE_KEY_BYTES = 32;
/**
 * Bytes of an uncompressed public key, 04 ‖ x ‖ y.
 *
 * @example
 * sm2GetPublicKey(privateKey).length === SM2_PUBLIC_KEY_BYTES; // 65
 */
export const SM2_PUBLIC_KEY_BYTES = 65;
/**
 * Bytes of a compressed public key, 02/03 ‖ x.
 *
 * @example
 * sm2GetPublicKey(privateKey, true).length === SM2_COMPRESSED_PUBLIC_KEY_BYTES; // 33
 */
export const SM2_COMPRESSED_PUBLIC_KEY_BYTES = 33;

/**
 * A private key and its uncompressed public key.
 *
 * @example
 * const { privateKey, publicKey }: Sm2KeyPair = sm2GenerateKeyPair();
 */
export interface Sm2KeyPair {
  /** 32 bytes, d ∈ [1, n − 2]. */
  readonly privateKey: Uint8Array;
  /** 65 bytes, 04 ‖ x ‖ y. */
  readonly publicKey: Uint8Array;
}

/**
 * Reads a private key as its scalar d, checking it is 32 bytes and in [1, n − 2]
 * (GB/T 32918.1-2016 clause 6.1: n − 1 is excluded because signing inverts 1 + d).
 *
 * @throws {TypeError} when `privateKey` is not a Uint8Array.
 * @throws {RangeError} when it is not 32 bytes or out of range.
 */
export function privateKeyToScalar(privateKey: Uint8Array, what = 'SM2 private key'): bigint {
  ensureBytes(privateKey, what);
  if (privateKey.length !== SM2_PRIVATE_KEY_BYTES) {
    throw new RangeError(`${what} must be ${SM2_PRIVATE_KEY_BYTES} bytes, got ${privateKey.length}`);
  }
  const d = bytesToBigInt(privateKey);
  if (d < 1n || d > N - 2n) throw new RangeError(`${what} is out of range: it must be in [1, n − 2]`);
  return d;
}

/**
 * Decodes and validates a public key (GB/T 32918.1-2016 clause 6.2: coordinates in F_p, on the
 * curve, not the point at infinity; the cofactor is 1 so every such point has order n).
 *
 * @throws {TypeError} when `publicKey` is not a Uint8Array, has an unknown prefix or is not on the curve.
 * @throws {RangeError} when its length is neither 33 nor 65 bytes.
 */
export function decodePublicKey(publicKey: Uint8Array, what = 'SM2 public key'): Sm2Point {
  ensureBytes(publicKey, what);
  const prefix = publicKey[0];
  if (publicKey.length === SM2_PUBLIC_KEY_BYTES) {
    if (prefix !== 0x04) {
      throw new TypeError(`${what} of 65 bytes must start with 0x04, got 0x${hexByte(prefix)}`);
    }
  } else if (publicKey.length === SM2_COMPRESSED_PUBLIC_KEY_BYTES) {
    if (prefix !== 0x02 && prefix !== 0x03) {
      throw new TypeError(`${what} of 33 bytes must start with 0x02 or 0x03, got 0x${hexByte(prefix)}`);
    }
  } else {
    throw new RangeError(
      `${what} must be 65 bytes (04 ‖ x ‖ y) or 33 bytes (compressed), got ${publicKey.length}`,
    );
  }
  try {
    return Sm2Point.fromBytes(publicKey);
  } catch {
    throw new TypeError(`${what} is not a point on the SM2 curve`);
  }
}

function hexByte(value: number | undefined): string {
  return (value ?? 0).toString(16).padStart(2, '0');
}

/** Uncompressed encoding of an affine point. */
export function encodeAffine(x: bigint, y: bigint): Uint8Array {
  const out = new Uint8Array(SM2_PUBLIC_KEY_BYTES);
  out[0] = 0x04;
  out.set(bigIntToBytes32(x), 1);
  out.set(bigIntToBytes32(y), 33);
  return out;
}

function encodePoint(x: bigint, y: bigint, compressed: boolean): Uint8Array {
  if (!compressed) return encodeAffine(x, y);
  const out = new Uint8Array(SM2_COMPRESSED_PUBLIC_KEY_BYTES);
  out[0] = y & 1n ? 0x03 : 0x02;
  out.set(bigIntToBytes32(x), 1);
  return out;
}

/**
 * A new private key: 32 bytes, uniformly random in [1, n − 2], from
 * `globalThis.crypto.getRandomValues` (GB/T 32918.1-2016 clause 6.1).
 *
 * @example
 * const privateKey = sm2GeneratePrivateKey(); // Uint8Array(32)
 */
export function sm2GeneratePrivateKey(): Uint8Array {
  return bigIntToBytes32(randomScalar(N - 2n));
}

/**
 * Derives the public key P = [d]G of a private key: 65 bytes 04 ‖ x ‖ y, or 33 bytes with `compressed`.
 *
 * @throws {TypeError} when `privateKey` is not a Uint8Array.
 * @throws {RangeError} when it is not 32 bytes or not in [1, n − 2].
 * @example
 * const publicKey = sm2GetPublicKey(privateKey); // Uint8Array(65), starts with 0x04
 */
export function sm2GetPublicKey(privateKey: Uint8Array, compressed = false): Uint8Array {
  const d = privateKeyToScalar(privateKey);
  const { x, y } = getEngine().mulBase(d);
  return encodePoint(x, y, compressed);
}

/**
 * A new key pair; the public key is uncompressed (65 bytes).
 *
 * @example
 * const { privateKey, publicKey } = sm2GenerateKeyPair();
 */
export function sm2GenerateKeyPair(): Sm2KeyPair {
  const privateKey = sm2GeneratePrivateKey();
  return { privateKey, publicKey: sm2GetPublicKey(privateKey) };
}

/**
 * True when `privateKey` is 32 bytes holding d ∈ [1, n − 2]. Never throws.
 *
 * @example
 * sm2IsValidPrivateKey(new Uint8Array(32)); // false: d = 0
 */
export function sm2IsValidPrivateKey(privateKey: Uint8Array): boolean {
  try {
    privateKeyToScalar(privateKey);
    return true;
  } catch {
    return false;
  }
}

/**
 * True when `publicKey` is a 65- or 33-byte encoding of a point on the SM2 curve other than the
 * point at infinity (GB/T 32918.1-2016 clause 6.2). Never throws.
 *
 * @example
 * sm2IsValidPublicKey(sm2GetPublicKey(privateKey)); // true
 * sm2IsValidPublicKey(new Uint8Array(65)); // false
 */
export function sm2IsValidPublicKey(publicKey: Uint8Array): boolean {
  try {
    decodePublicKey(publicKey);
    return true;
  } catch {
    return false;
  }
}

/**
 * Compressed form (33 bytes, 02/03 ‖ x) of a public key given in either form.
 *
 * @throws {TypeError | RangeError} when `publicKey` is not a valid SM2 public key.
 * @example
 * sm2CompressPublicKey(publicKey).length; // 33
 */
export function sm2CompressPublicKey(publicKey: Uint8Array): Uint8Array {
  const { x, y } = decodePublicKey(publicKey).toAffine();
  return encodePoint(x, y, true);
}

/**
 * Uncompressed form (65 bytes, 04 ‖ x ‖ y) of a public key given in either form.
 *
 * @throws {TypeError | RangeError} when `publicKey` is not a valid SM2 public key.
 * @example
 * sm2DecompressPublicKey(sm2CompressPublicKey(publicKey)); // equal to publicKey
 */
export function sm2DecompressPublicKey(publicKey: Uint8Array): Uint8Array {
  const { x, y } = decodePublicKey(publicKey).toAffine();
  return encodeAffine(x, y);
}

/**
 * Reads a private key from 64 hex characters (either case).
 *
 * @throws {TypeError} when `hex` is not a hex string.
 * @throws {RangeError} when it is not 64 characters or the key is not in [1, n − 2].
 * @example
 * const privateKey = sm2PrivateKeyFromHex('3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8');
 */
export function sm2PrivateKeyFromHex(hex: string): Uint8Array {
  ensureString(hex, 'SM2 private key hex');
  if (hex.length !== 64) throw new RangeError(`SM2 private key hex must be 64 characters, got ${hex.length}`);
  const key = hexToBytes(hex);
  privateKeyToScalar(key);
  return key;
}

/**
 * A private key as 64 uppercase hex characters.
 *
 * @throws {TypeError | RangeError} when `privateKey` is not a valid SM2 private key.
 * @example
 * sm2PrivateKeyToHex(privateKey); // '3945208F…C5B8'
 */
export function sm2PrivateKeyToHex(privateKey: Uint8Array): string {
  privateKeyToScalar(privateKey);
  return bytesToHex(privateKey).toUpperCase();
}

/**
 * Reads a public key from hex: 130 characters (04 ‖ x ‖ y), 66 (02/03 ‖ x) or 128 (bare x ‖ y, as
 * some SDKs print it). Returns the bytes as given, with 04 prepended to the bare form.
 *
 * @throws {TypeError} when `hex` is not hex or the point is not on the curve.
 * @throws {RangeError} when its length is none of the above.
 * @example
 * const publicKey = sm2PublicKeyFromHex('0409F9DF…AD13'); // Uint8Array(65)
 */
export function sm2PublicKeyFromHex(hex: string): Uint8Array {
  ensureString(hex, 'SM2 public key hex');
  if (hex.length !== 130 && hex.length !== 66 && hex.length !== 128) {
    throw new RangeError(`SM2 public key hex must be 130, 66 or 128 characters, got ${hex.length}`);
  }
  const key = hexToBytes(hex.length === 128 ? '04' + hex : hex);
  decodePublicKey(key);
  return key;
}

/**
 * A public key as uppercase hex: 130 characters (04 ‖ x ‖ y), or 66 with `compressed`.
 *
 * @throws {TypeError | RangeError} when `publicKey` is not a valid SM2 public key.
 * @example
 * sm2PublicKeyToHex(publicKey); // '04…'
 */
export function sm2PublicKeyToHex(publicKey: Uint8Array, compressed = false): string {
  const { x, y } = decodePublicKey(publicKey).toAffine();
  return bytesToHex(encodePoint(x, y, compressed)).toUpperCase();
}
