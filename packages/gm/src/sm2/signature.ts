/**
 * The SM2 digital signature scheme (GB/T 32918.2-2016, GM/T 0003.2-2012), which is not ECDSA:
 * the signer's identity enters through Z_A, and s uses (1 + d)⁻¹. Owns Z_A and e, signing,
 * verification, and prepared keys that cache what repeated signing or verification would
 * recompute (the decoded point and its tables, Z_A, (1 + d)⁻¹).
 *
 * Side channels: [k]G runs in constant time in the WebAssembly engine (see `wasm/sm2-curve.c`);
 * the few operations modulo n on k and d use BigInt, which is not constant-time (as in
 * noble-curves). JavaScript gives no stronger guarantee; keep long-lived node keys in a cipher
 * machine where that matters.
 *
 * @module
 */

import { ensureBytes } from '../assert.js';
import { concatBytes, utf8ToBytes } from '../bytes.js';
import { sm3 } from '../sm3.js';
import { bigIntToBytes32, bytesToBigInt, invertN, modN, N, randomScalar, SM2_CURVE } from './curve.js';
import { getEngine } from './engine.js';
import type { EnginePublicPoint } from './engine-types.js';
import { decodePublicKey, encodeAffine, privateKeyToScalar } from './keys.js';
import {
  readDerSignature,
  SM2_SIGNATURE_BYTES,
  type Sm2SignatureFormat,
  sm2SignatureToDer,
} from './signature-format.js';

/**
 * The default user ID (用户身份标识 ID_A) of GM/T 0009-2012 clause 10, used when the parties
 * agree on no other: the ASCII string `1234567812345678`.
 *
 * @example
 * sm2Sign(privateKey, message, { userId: SM2_DEFAULT_USER_ID }); // same as leaving it out
 */
export const SM2_DEFAULT_USER_ID = '1234567812345678';

/**
 * A user ID: a string (encoded as UTF-8) or bytes.
 *
 * @example
 * const userId: Sm2UserId = 'ALICE123@YAHOO.COM';
 */
export type Sm2UserId = string | Uint8Array;

/**
 * Options of {@link sm2Sign}.
 *
 * @example
 * const options: Sm2SignOptions = { userId: '370100', format: 'der' };
 */
export interface Sm2SignOptions {
  /** The signer's ID_A; default {@link SM2_DEFAULT_USER_ID}. */
  readonly userId?: Sm2UserId;
  /** `'raw'` (default): r ‖ s, 64 bytes; `'der'`: SEQUENCE of two INTEGERs, as OpenSSL writes. */
  readonly format?: Sm2SignatureFormat;
}

/**
 * Options of {@link sm2Verify}.
 *
 * @example
 * const options: Sm2VerifyOptions = { userId: '370100', format: 'raw' };
 */
export interface Sm2VerifyOptions {
  /** The signer's ID_A; default {@link SM2_DEFAULT_USER_ID}. */
  readonly userId?: Sm2UserId;
  /**
   * `'raw'`: exactly 64 bytes r ‖ s; `'der'`: DER. Default `'auto'`: 64 bytes are raw, anything
   * else is DER (a DER signature is never 64 bytes in practice: r and s would need to be under 2²³²).
   */
  readonly format?: Sm2SignatureFormat | 'auto';
}

const DEFAULT_USER_ID_BYTES = utf8ToBytes(SM2_DEFAULT_USER_ID);

/** a ‖ b ‖ x_G ‖ y_G, the curve part of Z_A (GB/T 32918.2-2016 clause 5.5). */
const CURVE_BYTES = concatBytes(
  bigIntToBytes32(SM2_CURVE.a),
  bigIntToBytes32(SM2_CURVE.b),
  bigIntToBytes32(SM2_CURVE.Gx),
  bigIntToBytes32(SM2_CURVE.Gy),
);

function userIdBytes(userId: Sm2UserId | undefined): Uint8Array {
  if (userId === undefined) return DEFAULT_USER_ID_BYTES;
  if (typeof userId === 'string') return utf8ToBytes(userId);
  ensureBytes(userId, 'userId');
  return userId;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Z_A = SM3(ENTL_A ‖ ID_A ‖ a ‖ b ‖ x_G ‖ y_G ‖ x_A ‖ y_A), GB/T 32918.2-2016 clause 5.5. */
function computeZa(uncompressedPublicKey: Uint8Array, id: Uint8Array): Uint8Array {
  // ENTL_A is the bit length of ID_A in two bytes, so the ID is at most 8191 bytes.
  if (id.length > 8191) throw new RangeError(`userId must be at most 8191 bytes, got ${id.length}`);
  const bits = id.length * 8;
  const input = new Uint8Array(2 + id.length + CURVE_BYTES.length + 64);
  input[0] = bits >>> 8;
  input[1] = bits & 0xff;
  input.set(id, 2);
  input.set(CURVE_BYTES, 2 + id.length);
  input.set(uncompressedPublicKey.subarray(1), 2 + id.length + CURVE_BYTES.length);
  return sm3(input);
}

/** e = SM3(Z_A ‖ M), GB/T 32918.2-2016 clause 6.1 steps A1–A2. */
function computeE(za: Uint8Array, message: Uint8Array): Uint8Array {
  const input = new Uint8Array(za.length + message.length);
  input.set(za, 0);
  input.set(message, za.length);
  return sm3(input);
}

// ---------------------------------------------------------------------------------------------
// Prepared keys

/**
 * A public key decoded, validated and prepared for fast repeated verification: the engine's
 * precomputed tables and Z_A for one user ID are cached. Create with {@link sm2PreparePublicKey}.
 *
 * @example
 * const key: Sm2PreparedPublicKey = sm2PreparePublicKey(publicKey);
 * key.publicKey; // the 65-byte uncompressed form
 */
export interface Sm2PreparedPublicKey {
  /** The public key, 65 bytes 04 ‖ x ‖ y. */
  readonly publicKey: Uint8Array;
  /** The user ID whose Z_A is cached. */
  readonly userId: Uint8Array;
  /** Z_A of `publicKey` and `userId`. */
  readonly za: Uint8Array;
}

/**
 * A private key prepared for repeated signing: its public key, Z_A for one user ID and
 * (1 + d)⁻¹ mod n are cached. Create with {@link sm2PreparePrivateKey}. The secret stays in a
 * private field, out of `JSON.stringify` and console output.
 *
 * @example
 * const key: Sm2PreparedPrivateKey = sm2PreparePrivateKey(privateKey);
 * sm2Verify(key.publicKey, message, sm2Sign(key, message)); // true
 */
export interface Sm2PreparedPrivateKey {
  /** The matching public key, 65 bytes 04 ‖ x ‖ y. */
  readonly publicKey: Uint8Array;
  /** The user ID whose Z_A is cached. */
  readonly userId: Uint8Array;
  /** Z_A of `publicKey` and `userId`. */
  readonly za: Uint8Array;
}

class PreparedPublicKey implements Sm2PreparedPublicKey {
  constructor(
    readonly publicKey: Uint8Array,
    readonly userId: Uint8Array,
    readonly za: Uint8Array,
    readonly point: EnginePublicPoint,
  ) {}

  zaFor(userId: Sm2UserId | undefined): Uint8Array {
    const id = userIdBytes(userId);
    return sameBytes(id, this.userId) ? this.za : computeZa(this.publicKey, id);
  }
}

class PreparedPrivateKey implements Sm2PreparedPrivateKey {
  readonly #d: bigint;
  readonly #dPlusOneInverse: bigint;

  constructor(
    d: bigint,
    readonly publicKey: Uint8Array,
    readonly userId: Uint8Array,
    readonly za: Uint8Array,
  ) {
    this.#d = d;
    this.#dPlusOneInverse = invertN(d + 1n);
  }

  zaFor(userId: Sm2UserId | undefined): Uint8Array {
    const id = userIdBytes(userId);
    return sameBytes(id, this.userId) ? this.za : computeZa(this.publicKey, id);
  }

  /** The secret scalar, for decryption. */
  static scalarOf(key: PreparedPrivateKey): bigint {
    return key.#d;
  }

  /** GB/T 32918.2-2016 clause 6.1 steps A3–A6 for digest e; `nonce` fixes k (known-answer tests only). */
  signDigest(e: Uint8Array, nonce?: bigint): Uint8Array {
    const d = this.#d;
    const eValue = bytesToBigInt(e);
    for (;;) {
      const k = nonce ?? randomScalar(N - 1n); // A3: k ∈ [1, n − 1]
      const { x } = getEngine().mulBase(k); // A4: (x1, y1) = [k]G
      const r = modN(eValue + x); // A5
      const s = r === 0n || r + k === N ? 0n : modN(this.#dPlusOneInverse * (k - r * d)); // A6
      if (s !== 0n) {
        const signature = new Uint8Array(SM2_SIGNATURE_BYTES);
        signature.set(bigIntToBytes32(r), 0);
        signature.set(bigIntToBytes32(s), 32);
        return signature;
      }
      if (nonce !== undefined)
        throw new RangeError('this nonce gives r = 0, r + k = n or s = 0: pick another');
    }
  }
}

/**
 * Prepares a public key for repeated verification: decodes and validates it once, builds the
 * engine's window tables (a few milliseconds; worth it from about twenty verifications on) and
 * caches Z_A for `userId` (default {@link SM2_DEFAULT_USER_ID}). Pass the result to
 * {@link sm2Verify} in place of the key bytes.
 *
 * @throws {TypeError | RangeError} when `publicKey` is not a valid SM2 public key (33 or 65 bytes).
 * @example
 * const nodeKey = sm2PreparePublicKey(publicKeyBytes);
 * for (const code of codes) sm2Verify(nodeKey, code.message, code.signature);
 */
export function sm2PreparePublicKey(
  publicKey: Uint8Array,
  options: { readonly userId?: Sm2UserId } = {},
): Sm2PreparedPublicKey {
  const point = decodePublicKey(publicKey);
  const { x, y } = point.toAffine();
  const uncompressed = encodeAffine(x, y);
  const id = userIdBytes(options.userId);
  return new PreparedPublicKey(
    uncompressed,
    id,
    computeZa(uncompressed, id),
    getEngine().publicPoint(x, y, true),
  );
}

/**
 * Prepares a private key for repeated signing: derives its public key and caches Z_A for
 * `userId` (default {@link SM2_DEFAULT_USER_ID}) and (1 + d)⁻¹ mod n. Signing with a raw key
 * derives the public key on every call, which doubles the cost.
 *
 * @throws {TypeError | RangeError} when `privateKey` is not 32 bytes in [1, n − 2].
 * @example
 * const nodeKey = sm2PreparePrivateKey(privateKeyBytes);
 * const signature = sm2Sign(nodeKey, message);
 */
export function sm2PreparePrivateKey(
  privateKey: Uint8Array,
  options: { readonly userId?: Sm2UserId } = {},
): Sm2PreparedPrivateKey {
  return preparePrivate(privateKey, userIdBytes(options.userId));
}

function preparePrivate(privateKey: Uint8Array, id: Uint8Array): PreparedPrivateKey {
  const d = privateKeyToScalar(privateKey);
  const { x, y } = getEngine().mulBase(d);
  const publicKey = encodeAffine(x, y);
  return new PreparedPrivateKey(d, publicKey, id, computeZa(publicKey, id));
}

function toPreparedPrivate(key: Uint8Array | Sm2PreparedPrivateKey, userId: Sm2UserId | undefined) {
  if (key instanceof PreparedPrivateKey) return key;
  if (key instanceof Uint8Array) return preparePrivate(key, userIdBytes(userId));
  throw new TypeError('SM2 private key must be a Uint8Array or the result of sm2PreparePrivateKey()');
}

function toPreparedPublic(key: Uint8Array | Sm2PreparedPublicKey, userId: Sm2UserId | undefined) {
  if (key instanceof PreparedPublicKey) return key;
  if (!(key instanceof Uint8Array)) {
    throw new TypeError('SM2 public key must be a Uint8Array or the result of sm2PreparePublicKey()');
  }
  const { x, y } = decodePublicKey(key).toAffine();
  const uncompressed = encodeAffine(x, y);
  const id = userIdBytes(userId);
  return new PreparedPublicKey(
    uncompressed,
    id,
    computeZa(uncompressed, id),
    getEngine().publicPoint(x, y, false),
  );
}

// ---------------------------------------------------------------------------------------------
// Z_A, e, sign, verify

/**
 * Z_A = SM3(ENTL_A ‖ ID_A ‖ a ‖ b ‖ x_G ‖ y_G ‖ x_A ‖ y_A), the hash of the signer's identity and
 * public key that enters every SM2 signature (GB/T 32918.2-2016 clause 5.5).
 *
 * @throws {TypeError | RangeError} when `publicKey` is invalid or `userId` is longer than 8191 bytes.
 * @example
 * bytesToHex(sm2ComputeZa(publicKey)); // for the GM/T 0003.5 example key: 'b2e14c5c…a4f3'
 */
export function sm2ComputeZa(publicKey: Uint8Array | Sm2PreparedPublicKey, userId?: Sm2UserId): Uint8Array {
  return toPreparedPublic(publicKey, userId).zaFor(userId);
}

/**
 * e = SM3(Z_A ‖ M), the digest an SM2 signature actually signs (GB/T 32918.2-2016 clause 6.1 A1–A2).
 *
 * @throws {TypeError | RangeError} when `publicKey` or `message` is invalid.
 * @example
 * bytesToHex(sm2MessageDigest(publicKey, utf8ToBytes('message digest'))); // 'f0b43e94…8640' for the GM/T 0003.5 example
 */
export function sm2MessageDigest(
  publicKey: Uint8Array | Sm2PreparedPublicKey,
  message: Uint8Array,
  userId?: Sm2UserId,
): Uint8Array {
  ensureBytes(message, 'message');
  return computeE(toPreparedPublic(publicKey, userId).zaFor(userId), message);
}

/**
 * Signs `message` with SM2 (GB/T 32918.2-2016 clause 6.1): e = SM3(Z_A ‖ M), a fresh random
 * k ∈ [1, n − 1] from the CSPRNG, r = (e + x1) mod n, s = (1 + d)⁻¹ · (k − r·d) mod n, retrying
 * when r = 0, r + k = n or s = 0. Returns r ‖ s (64 bytes) or DER with `format: 'der'`.
 *
 * @throws {TypeError | RangeError} when the key or message is invalid.
 * @example
 * const signature = sm2Sign(privateKey, utf8ToBytes('hello')); // Uint8Array(64)
 * const der = sm2Sign(privateKey, utf8ToBytes('hello'), { format: 'der' }); // for OpenSSL
 */
export function sm2Sign(
  privateKey: Uint8Array | Sm2PreparedPrivateKey,
  message: Uint8Array,
  options: Sm2SignOptions = {},
): Uint8Array {
  return signWith(privateKey, message, options, undefined);
}

/**
 * {@link sm2Sign} with a caller-chosen k, for reproducing published known-answer tests only: a
 * repeated or predictable k reveals the private key. Not exported from the package.
 *
 * @example
 * sm2SignWithNonce(privateKey, message, 0x59276e27…bc21n); // the GM/T 0003.5 example signature
 */
export function sm2SignWithNonce(
  privateKey: Uint8Array | Sm2PreparedPrivateKey,
  message: Uint8Array,
  k: bigint,
  options: Sm2SignOptions = {},
): Uint8Array {
  if (typeof k !== 'bigint' || k < 1n || k >= N)
    throw new RangeError('nonce k must be a bigint in [1, n − 1]');
  return signWith(privateKey, message, options, k);
}

function signWith(
  privateKey: Uint8Array | Sm2PreparedPrivateKey,
  message: Uint8Array,
  options: Sm2SignOptions,
  nonce: bigint | undefined,
): Uint8Array {
  const format = options.format ?? 'raw';
  if (format !== 'raw' && format !== 'der') {
    throw new TypeError(`signature format must be 'raw' or 'der', got ${JSON.stringify(format)}`);
  }
  ensureBytes(message, 'message');
  const key = toPreparedPrivate(privateKey, options.userId);
  const raw = key.signDigest(computeE(key.zaFor(options.userId), message), nonce);
  return format === 'der' ? sm2SignatureToDer(raw) : raw;
}

/** r ‖ s of a signature in the given format, or undefined when r or s cannot be a valid value. */
function rawSignature(signature: Uint8Array, format: Sm2SignatureFormat | 'auto'): Uint8Array | undefined {
  ensureBytes(signature, 'signature');
  const isRaw = format === 'raw' || (format === 'auto' && signature.length === SM2_SIGNATURE_BYTES);
  if (isRaw) {
    if (signature.length !== SM2_SIGNATURE_BYTES) {
      throw new RangeError(
        `raw signature must be ${SM2_SIGNATURE_BYTES} bytes (r ‖ s), got ${signature.length}`,
      );
    }
    return signature;
  }
  if (format !== 'der' && format !== 'auto') {
    throw new TypeError(`signature format must be 'raw', 'der' or 'auto', got ${JSON.stringify(format)}`);
  }
  const { r, s } = readDerSignature(signature);
  if (r >= N || s >= N) return undefined;
  const raw = new Uint8Array(SM2_SIGNATURE_BYTES);
  raw.set(bigIntToBytes32(r), 0);
  raw.set(bigIntToBytes32(s), 32);
  return raw;
}

/**
 * Verifies an SM2 signature (GB/T 32918.2-2016 clause 7.1): r, s ∈ [1, n − 1],
 * t = (r + s) mod n ≠ 0, (x1, y1) = [s]G + [t]P_A, accept iff (e + x1) mod n = r. Returns false
 * for a wrong signature; throws only on misuse. Pass a key from {@link sm2PreparePublicKey} to
 * verify many signatures by the same key several times faster.
 *
 * @throws {TypeError} when an argument has the wrong type, the key is not on the curve or a DER signature is malformed.
 * @throws {RangeError} when the key or a raw signature has the wrong length.
 * @example
 * sm2Verify(publicKey, utf8ToBytes('hello'), signature); // true
 * sm2Verify(sm2PreparePublicKey(publicKey), utf8ToBytes('hello'), derSignature); // true
 */
export function sm2Verify(
  publicKey: Uint8Array | Sm2PreparedPublicKey,
  message: Uint8Array,
  signature: Uint8Array,
  options: Sm2VerifyOptions = {},
): boolean {
  ensureBytes(message, 'message');
  const key = toPreparedPublic(publicKey, options.userId);
  const raw = rawSignature(signature, options.format ?? 'auto');
  if (raw === undefined) return false;
  return key.point.verify(raw, computeE(key.zaFor(options.userId), message));
}

/** True for keys made by {@link sm2PreparePublicKey}. */
export function isPreparedPublicKey(value: unknown): value is Sm2PreparedPublicKey {
  return value instanceof PreparedPublicKey;
}

/** d of a key made by {@link sm2PreparePrivateKey}; not exported from the package. */
export function preparedPrivateScalar(key: Sm2PreparedPrivateKey): bigint {
  if (!(key instanceof PreparedPrivateKey)) throw new TypeError('not a prepared SM2 private key');
  return PreparedPrivateKey.scalarOf(key);
}

/** True for keys made by {@link sm2PreparePrivateKey}. */
export function isPreparedPrivateKey(value: unknown): value is Sm2PreparedPrivateKey {
  return value instanceof PreparedPrivateKey;
}
