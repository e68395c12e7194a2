/**
 * SM2 public-key encryption (GB/T 32918.4-2016, GM/T 0003.4-2012) with the SM3 key derivation
 * function, and the three ciphertext layouts in use: C1 ‖ C3 ‖ C2 (the 2016 standard's order, our
 * default), C1 ‖ C2 ‖ C3 (the 2010 draft's order, still common in older SDKs) and the DER
 * structure of GM/T 0009-2012 clause 7.2 that OpenSSL reads and writes.
 *
 * @module
 */

import { ensureBytes } from '../assert.js';
import { concatBytes, equalBytes } from '../bytes.js';
import { sm3 } from '../sm3.js';
import { bigIntToBytes32, N, randomScalar, Sm2Point } from './curve.js';
import { derOctetString, derSequence, derUnsignedInteger, readTopLevelSequence } from './der.js';
import { getEngine } from './engine.js';
import { decodePublicKey, encodeAffine, privateKeyToScalar } from './keys.js';
import {
  isPreparedPrivateKey,
  isPreparedPublicKey,
  preparedPrivateScalar,
  type Sm2PreparedPrivateKey,
  type Sm2PreparedPublicKey,
} from './signature.js';

/**
 * Ciphertext layouts: C1 ‖ C3 ‖ C2 (default), C1 ‖ C2 ‖ C3, or GM/T 0009 DER (OpenSSL's).
 *
 * @example
 * const format: Sm2CiphertextFormat = 'der'; // for `openssl pkeyutl -decrypt`
 */
export type Sm2CiphertextFormat = 'c1c3c2' | 'c1c2c3' | 'der';

/**
 * Options of {@link sm2Encrypt} and {@link sm2Decrypt}.
 *
 * @example
 * sm2Decrypt(privateKey, legacyCiphertext, { format: 'c1c2c3' } satisfies Sm2EncryptionOptions);
 */
export interface Sm2EncryptionOptions {
  /** Ciphertext layout; default `'c1c3c2'`. */
  readonly format?: Sm2CiphertextFormat;
}

/**
 * Why a ciphertext did not decrypt.
 *
 * @example
 * const code: Sm2DecryptionErrorCode = 'C3_MISMATCH';
 */
export type Sm2DecryptionErrorCode = 'C1_NOT_ON_CURVE' | 'KDF_ALL_ZERO' | 'C3_MISMATCH';

/**
 * A ciphertext that is well-formed but does not decrypt under this key (GB/T 32918.4-2016
 * clause 7.1): C1 is not a curve point (B1), the derived key stream is all zeros (B4), or the
 * hash C3 does not match (B6: wrong key, or the ciphertext was altered).
 *
 * @example
 * try { sm2Decrypt(privateKey, ciphertext); }
 * catch (error) { if (error instanceof Sm2DecryptionError && error.code === 'C3_MISMATCH') … }
 */
export class Sm2DecryptionError extends Error {
  override readonly name = 'Sm2DecryptionError';

  constructor(
    readonly code: Sm2DecryptionErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const C3_BYTES = 32;

/**
 * KDF(Z, klen) of GB/T 32918.4-2016 clause 5.4.3 with SM3: SM3(Z ‖ ct) for ct = 1, 2, …
 * (32-bit big-endian), concatenated and cut to `length` bytes.
 *
 * @example
 * sm2Kdf(sharedSecret, 16); // 16 bytes of key stream
 */
export function sm2Kdf(z: Uint8Array, length: number): Uint8Array {
  ensureBytes(z, 'z');
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new RangeError(`KDF length must be a non-negative integer, got ${length}`);
  }
  const out = new Uint8Array(length);
  const input = new Uint8Array(z.length + 4);
  input.set(z, 0);
  const view = new DataView(input.buffer);
  for (let counter = 1, offset = 0; offset < length; counter++, offset += 32) {
    view.setUint32(z.length, counter);
    const block = sm3(input);
    out.set(block.subarray(0, Math.min(32, length - offset)), offset);
  }
  return out;
}

function isAllZero(bytes: Uint8Array): boolean {
  let acc = 0;
  for (let i = 0; i < bytes.length; i++) acc |= bytes[i]!;
  return acc === 0;
}

function xor(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

function checkFormat(format: unknown): Sm2CiphertextFormat {
  if (format === 'c1c3c2' || format === 'c1c2c3' || format === 'der') return format;
  throw new TypeError(`ciphertext format must be 'c1c3c2', 'c1c2c3' or 'der', got ${JSON.stringify(format)}`);
}

/**
 * Encrypts `plaintext` to `publicKey` (GB/T 32918.4-2016 clause 6.1): C1 = [k]G for a random k,
 * (x2, y2) = [k]P_B, C2 = M ⊕ KDF(x2 ‖ y2, |M|), C3 = SM3(x2 ‖ M ‖ y2). Returns
 * C1 ‖ C3 ‖ C2 (C1 = 04 ‖ x1 ‖ y1, so 97 + |M| bytes) unless `format` says otherwise.
 *
 * @throws {TypeError | RangeError} when the key is invalid, or the plaintext is not bytes or is empty
 *   (the standard's all-zero key-stream check cannot pass for an empty message).
 * @example
 * const ciphertext = sm2Encrypt(publicKey, utf8ToBytes('encryption standard'));
 * const forOpenSsl = sm2Encrypt(publicKey, data, { format: 'der' });
 */
export function sm2Encrypt(
  publicKey: Uint8Array | Sm2PreparedPublicKey,
  plaintext: Uint8Array,
  options: Sm2EncryptionOptions = {},
): Uint8Array {
  return encryptWith(publicKey, plaintext, options, undefined);
}

/**
 * {@link sm2Encrypt} with a caller-chosen k, for reproducing published known-answer tests only.
 * Not exported from the package.
 */
export function sm2EncryptWithNonce(
  publicKey: Uint8Array | Sm2PreparedPublicKey,
  plaintext: Uint8Array,
  k: bigint,
  options: Sm2EncryptionOptions = {},
): Uint8Array {
  if (typeof k !== 'bigint' || k < 1n || k >= N)
    throw new RangeError('nonce k must be a bigint in [1, n − 1]');
  return encryptWith(publicKey, plaintext, options, k);
}

function encryptWith(
  publicKey: Uint8Array | Sm2PreparedPublicKey,
  plaintext: Uint8Array,
  options: Sm2EncryptionOptions,
  nonce: bigint | undefined,
): Uint8Array {
  const format = checkFormat(options.format ?? 'c1c3c2');
  ensureBytes(plaintext, 'plaintext');
  if (plaintext.length === 0) throw new RangeError('SM2 cannot encrypt an empty plaintext');
  const keyBytes = isPreparedPublicKey(publicKey) ? publicKey.publicKey : publicKey;
  const point = decodePublicKey(keyBytes);
  for (;;) {
    const k = nonce ?? randomScalar(N - 1n); // A1
    const c1 = getEngine().mulBase(k); // A2
    const shared = point.multiply(k).toAffine(); // A4 (A3: h = 1 and P_B is valid)
    const x2 = bigIntToBytes32(shared.x);
    const y2 = bigIntToBytes32(shared.y);
    const t = sm2Kdf(concatBytes(x2, y2), plaintext.length); // A5
    if (isAllZero(t)) {
      if (nonce !== undefined) throw new RangeError('this nonce gives an all-zero key stream: pick another');
      continue;
    }
    const c2 = xor(plaintext, t); // A6
    const c3 = sm3(concatBytes(x2, plaintext, y2)); // A7
    const c1c3c2 = concatBytes(encodeAffine(c1.x, c1.y), c3, c2); // A8
    return format === 'c1c3c2'
      ? c1c3c2
      : format === 'c1c2c3'
        ? sm2C1C3C2ToC1C2C3(c1c3c2)
        : sm2C1C3C2ToDer(c1c3c2);
  }
}

/**
 * Decrypts an SM2 ciphertext (GB/T 32918.4-2016 clause 7.1) in the layout given by `format`
 * (default C1 ‖ C3 ‖ C2; C1 may be uncompressed or compressed).
 *
 * @throws {Sm2DecryptionError} when C1 is not on the curve, the key stream is all zeros, or C3
 *   does not match (`error.code` says which).
 * @throws {TypeError | RangeError} when the key is invalid or the ciphertext is malformed or too short.
 * @example
 * const plaintext = sm2Decrypt(privateKey, ciphertext);
 * const fromOpenSsl = sm2Decrypt(privateKey, der, { format: 'der' });
 */
export function sm2Decrypt(
  privateKey: Uint8Array | Sm2PreparedPrivateKey,
  ciphertext: Uint8Array,
  options: Sm2EncryptionOptions = {},
): Uint8Array {
  const format = checkFormat(options.format ?? 'c1c3c2');
  const d = isPreparedPrivateKey(privateKey)
    ? preparedPrivateScalar(privateKey)
    : privateKeyToScalar(privateKey);
  const c1c3c2 =
    format === 'c1c3c2'
      ? ciphertext
      : format === 'c1c2c3'
        ? sm2C1C2C3ToC1C3C2(ciphertext)
        : sm2DerToC1C3C2(ciphertext);
  const { c1, c3, c2 } = splitC1C3C2(c1c3c2);
  let c1Point: Sm2Point;
  try {
    c1Point = Sm2Point.fromBytes(c1); // B1
  } catch {
    throw new Sm2DecryptionError('C1_NOT_ON_CURVE', 'SM2 ciphertext C1 is not a point on the curve');
  }
  const shared = c1Point.multiply(d).toAffine(); // B3 (B2: h = 1)
  const x2 = bigIntToBytes32(shared.x);
  const y2 = bigIntToBytes32(shared.y);
  const t = sm2Kdf(concatBytes(x2, y2), c2.length); // B4
  if (isAllZero(t))
    throw new Sm2DecryptionError('KDF_ALL_ZERO', 'SM2 key stream is all zeros: invalid ciphertext');
  const plaintext = xor(c2, t); // B5
  const u = sm3(concatBytes(x2, plaintext, y2)); // B6
  if (!equalBytes(u, c3)) {
    throw new Sm2DecryptionError(
      'C3_MISMATCH',
      'SM2 ciphertext hash C3 does not match: wrong private key, or the ciphertext was altered',
    );
  }
  return plaintext;
}

// ---------------------------------------------------------------------------------------------
// Layouts

function c1Length(ciphertext: Uint8Array): number {
  const prefix = ciphertext[0];
  if (prefix === 0x04) return 65;
  if (prefix === 0x02 || prefix === 0x03) return 33;
  throw new TypeError(
    `SM2 ciphertext must start with C1 = 04 ‖ x ‖ y (or 02/03 ‖ x), got first byte 0x${(prefix ?? 0).toString(16).padStart(2, '0')}`,
  );
}

function splitC1C3C2(ciphertext: Uint8Array): { c1: Uint8Array; c3: Uint8Array; c2: Uint8Array } {
  ensureBytes(ciphertext, 'ciphertext');
  if (ciphertext.length === 0) throw new RangeError('SM2 ciphertext is empty');
  const c1End = c1Length(ciphertext);
  if (ciphertext.length <= c1End + C3_BYTES) {
    throw new RangeError(
      `SM2 ciphertext is too short: ${ciphertext.length} bytes, need C1 (${c1End}) + C3 (32) + at least one byte of C2`,
    );
  }
  return {
    c1: ciphertext.subarray(0, c1End),
    c3: ciphertext.subarray(c1End, c1End + C3_BYTES),
    c2: ciphertext.subarray(c1End + C3_BYTES),
  };
}

/**
 * Reorders C1 ‖ C3 ‖ C2 into C1 ‖ C2 ‖ C3.
 *
 * @throws {TypeError | RangeError} when the ciphertext is malformed or too short.
 * @example
 * const legacy = sm2C1C3C2ToC1C2C3(sm2Encrypt(publicKey, data));
 */
export function sm2C1C3C2ToC1C2C3(ciphertext: Uint8Array): Uint8Array {
  const { c1, c3, c2 } = splitC1C3C2(ciphertext);
  return concatBytes(c1, c2, c3);
}

/**
 * Reorders C1 ‖ C2 ‖ C3 into C1 ‖ C3 ‖ C2.
 *
 * @throws {TypeError | RangeError} when the ciphertext is malformed or too short.
 * @example
 * sm2Decrypt(privateKey, sm2C1C2C3ToC1C3C2(legacyCiphertext));
 */
export function sm2C1C2C3ToC1C3C2(ciphertext: Uint8Array): Uint8Array {
  ensureBytes(ciphertext, 'ciphertext');
  if (ciphertext.length === 0) throw new RangeError('SM2 ciphertext is empty');
  const c1End = c1Length(ciphertext);
  if (ciphertext.length <= c1End + C3_BYTES) {
    throw new RangeError(`SM2 ciphertext is too short: ${ciphertext.length} bytes`);
  }
  const c3Start = ciphertext.length - C3_BYTES;
  return concatBytes(
    ciphertext.subarray(0, c1End),
    ciphertext.subarray(c3Start),
    ciphertext.subarray(c1End, c3Start),
  );
}

/**
 * Converts C1 ‖ C3 ‖ C2 to the DER structure of GM/T 0009-2012 clause 7.2, which OpenSSL's
 * `pkeyutl -encrypt` writes: SEQUENCE { x INTEGER, y INTEGER, hash OCTET STRING, cipher OCTET STRING }.
 *
 * @throws {TypeError | RangeError} when the ciphertext is malformed or too short.
 * @example
 * fs.writeFileSync('ct.der', sm2C1C3C2ToDer(ciphertext)); // openssl pkeyutl -decrypt -in ct.der
 */
export function sm2C1C3C2ToDer(ciphertext: Uint8Array): Uint8Array {
  const { c1, c3, c2 } = splitC1C3C2(ciphertext);
  const { x, y } = c1.length === 65 ? { x: c1.subarray(1, 33), y: c1.subarray(33, 65) } : uncompress(c1);
  return derSequence(derUnsignedInteger(x), derUnsignedInteger(y), derOctetString(c3), derOctetString(c2));
}

function uncompress(c1: Uint8Array): { x: Uint8Array; y: Uint8Array } {
  let point: Sm2Point;
  try {
    point = Sm2Point.fromBytes(c1);
  } catch {
    throw new Sm2DecryptionError('C1_NOT_ON_CURVE', 'SM2 ciphertext C1 is not a point on the curve');
  }
  const { x, y } = point.toAffine();
  return { x: bigIntToBytes32(x), y: bigIntToBytes32(y) };
}

/**
 * Converts the GM/T 0009-2012 DER ciphertext (OpenSSL's) to C1 ‖ C3 ‖ C2.
 *
 * @throws {TypeError} when `der` is not well-formed DER of that structure.
 * @throws {RangeError} when a coordinate is 2²⁵⁶ or more, the hash is not 32 bytes or C2 is empty.
 * @example
 * sm2Decrypt(privateKey, sm2DerToC1C3C2(fs.readFileSync('ct.der')));
 */
export function sm2DerToC1C3C2(der: Uint8Array): Uint8Array {
  ensureBytes(der, 'DER ciphertext');
  const sequence = readTopLevelSequence(der, 'SM2 ciphertext');
  const x = sequence.readUnsignedInteger('x');
  const y = sequence.readUnsignedInteger('y');
  const c3 = sequence.readOctetString('hash (C3)');
  const c2 = sequence.readOctetString('cipher text (C2)');
  sequence.end('SM2 ciphertext');
  if (x >= 1n << 256n || y >= 1n << 256n)
    throw new RangeError('SM2 ciphertext coordinate is longer than 32 bytes');
  if (c3.length !== C3_BYTES) throw new RangeError(`SM2 ciphertext hash must be 32 bytes, got ${c3.length}`);
  if (c2.length === 0) throw new RangeError('SM2 ciphertext C2 is empty');
  return concatBytes(encodeAffine(x, y), c3, c2);
}
