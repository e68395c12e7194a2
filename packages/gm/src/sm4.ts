/**
 * SM4 block cipher (GB/T 32907-2016) in ECB and CBC mode, with PKCS#7 padding (the default) or
 * none, on the platform's fastest backend: OpenSSL in Node, pure TypeScript in the browser.
 *
 * Keys and IVs are 16 bytes. Padding is done here rather than in OpenSSL so that both backends
 * behave identically and a bad padding gets a precise error ({@link Sm4PaddingError}).
 *
 * @module
 */

import { backend } from '#backend';
import { ensureBytes, ensureBytesOfLength } from './assert.js';
import type { Sm4KeyedCipher } from './backend/types.js';

/**
 * SM4 block, key and IV size in bytes (GB/T 32907-2016 §5).
 *
 * @example
 * const iv = crypto.getRandomValues(new Uint8Array(SM4_BLOCK_SIZE));
 */
export const SM4_BLOCK_SIZE = 16;

/** `'pkcs7'` (RFC 5652 §6.3: 1–16 bytes, each holding the pad length) or `'none'` (whole blocks only). */
export type Sm4Padding = 'pkcs7' | 'none';

/** Options of the SM4 functions. */
export interface Sm4Options {
  /** Default `'pkcs7'`. */
  padding?: Sm4Padding;
}

/**
 * Decryption produced a last block that is not valid PKCS#7 padding: the key or IV is wrong, or
 * the ciphertext was altered or truncated. Which byte was wrong is deliberately not said (that
 * would help a padding-oracle attack on CBC).
 *
 * @example
 * try { sm4DecryptEcb(wrongKey, ciphertext); } catch (e) { if (e instanceof Sm4PaddingError) reject(); }
 */
export class Sm4PaddingError extends Error {
  override readonly name = 'Sm4PaddingError';
  constructor() {
    super(
      'SM4 decryption produced invalid PKCS#7 padding: the key or IV is wrong, or the ciphertext was altered or truncated',
    );
  }
}

function paddingOf(options: Sm4Options | undefined): Sm4Padding {
  const padding = options?.padding ?? 'pkcs7';
  if (padding !== 'pkcs7' && padding !== 'none') {
    throw new TypeError(`padding must be 'pkcs7' or 'none', got ${JSON.stringify(padding)}`);
  }
  return padding;
}

/** Plaintext ready for the block cipher: PKCS#7-padded, or checked to be whole blocks. */
function prepareEncryptInput(data: Uint8Array, padding: Sm4Padding): Uint8Array {
  ensureBytes(data, 'data');
  if (padding === 'none') {
    if (data.length % SM4_BLOCK_SIZE !== 0) {
      throw new RangeError(
        `with padding 'none' the data length must be a multiple of 16 bytes, got ${data.length}`,
      );
    }
    return data;
  }
  const pad = SM4_BLOCK_SIZE - (data.length % SM4_BLOCK_SIZE);
  const out = new Uint8Array(data.length + pad);
  out.set(data);
  out.fill(pad, data.length);
  return out;
}

function checkCiphertext(data: Uint8Array, padding: Sm4Padding): void {
  ensureBytes(data, 'ciphertext');
  if (data.length % SM4_BLOCK_SIZE !== 0) {
    throw new RangeError(`ciphertext length must be a multiple of 16 bytes, got ${data.length}`);
  }
  if (padding === 'pkcs7' && data.length === 0) {
    throw new RangeError('ciphertext with PKCS#7 padding must be at least one 16-byte block, got 0 bytes');
  }
}

/**
 * Removes PKCS#7 padding. The check runs in constant time over the last block so the time taken
 * says nothing about which padding byte was wrong.
 */
function removePadding(plain: Uint8Array, padding: Sm4Padding): Uint8Array {
  if (padding === 'none') return plain;
  const last = plain.length - SM4_BLOCK_SIZE;
  const pad = plain[plain.length - 1]!;
  // Non-zero when pad is 0 or above 16.
  let bad = ((pad - 1) >>> 8) | ((SM4_BLOCK_SIZE - pad) >>> 8);
  for (let i = 0; i < SM4_BLOCK_SIZE; i++) {
    // 0xff for the last `pad` bytes of the block, 0 before them.
    const inPad = ~((i - (SM4_BLOCK_SIZE - pad)) >> 31) & 0xff;
    bad |= (plain[last + i]! ^ pad) & inPad;
  }
  if (bad !== 0) {
    plain.fill(0);
    throw new Sm4PaddingError();
  }
  return plain.slice(0, plain.length - pad);
}

function checkKey(key: Uint8Array): void {
  ensureBytesOfLength(key, SM4_BLOCK_SIZE, 'SM4 key');
}

function checkIv(iv: Uint8Array): void {
  ensureBytesOfLength(iv, SM4_BLOCK_SIZE, 'SM4 IV');
}

/**
 * SM4-ECB encryption. The EHC gateway's `biz_content` is SM4-ECB with PKCS#7 under the app secret.
 *
 * @throws {TypeError} when an argument has the wrong type or `padding` is unknown.
 * @throws {RangeError} when `key` is not 16 bytes, or with `padding: 'none'` the data is not whole blocks.
 * @example
 * const key = hexToBytes('0123456789abcdeffedcba9876543210');
 * bytesToHex(sm4EncryptEcb(key, key, { padding: 'none' })); // '681edf34d206965e86b3e94f536e4246'
 */
export function sm4EncryptEcb(key: Uint8Array, data: Uint8Array, options?: Sm4Options): Uint8Array {
  checkKey(key);
  const input = prepareEncryptInput(data, paddingOf(options));
  return backend.sm4EcbEncrypt(key, input);
}

/**
 * SM4-ECB decryption.
 *
 * @throws {TypeError} when an argument has the wrong type or `padding` is unknown.
 * @throws {RangeError} when `key` is not 16 bytes or the ciphertext is not whole blocks (at least one with PKCS#7).
 * @throws {Sm4PaddingError} when the PKCS#7 padding is invalid (wrong key or damaged ciphertext).
 * @example
 * bytesToUtf8(sm4DecryptEcb(key, sm4EncryptEcb(key, utf8ToBytes('{"a":1}')))); // '{"a":1}'
 */
export function sm4DecryptEcb(key: Uint8Array, data: Uint8Array, options?: Sm4Options): Uint8Array {
  checkKey(key);
  const padding = paddingOf(options);
  checkCiphertext(data, padding);
  return removePadding(backend.sm4EcbDecrypt(key, data), padding);
}

/**
 * SM4-CBC encryption with a 16-byte IV (use a fresh random IV per message).
 *
 * @throws {TypeError} when an argument has the wrong type or `padding` is unknown.
 * @throws {RangeError} when `key` or `iv` is not 16 bytes, or with `padding: 'none'` the data is not whole blocks.
 * @example
 * const iv = crypto.getRandomValues(new Uint8Array(16));
 * const ciphertext = sm4EncryptCbc(key, iv, utf8ToBytes('hello')); // 16 bytes
 */
export function sm4EncryptCbc(
  key: Uint8Array,
  iv: Uint8Array,
  data: Uint8Array,
  options?: Sm4Options,
): Uint8Array {
  checkKey(key);
  checkIv(iv);
  const input = prepareEncryptInput(data, paddingOf(options));
  return backend.sm4CbcEncrypt(key, iv, input);
}

/**
 * SM4-CBC decryption.
 *
 * @throws {TypeError} when an argument has the wrong type or `padding` is unknown.
 * @throws {RangeError} when `key` or `iv` is not 16 bytes or the ciphertext is not whole blocks (at least one with PKCS#7).
 * @throws {Sm4PaddingError} when the PKCS#7 padding is invalid (wrong key or IV, or damaged ciphertext).
 * @example
 * bytesToUtf8(sm4DecryptCbc(key, iv, ciphertext)); // 'hello'
 */
export function sm4DecryptCbc(
  key: Uint8Array,
  iv: Uint8Array,
  data: Uint8Array,
  options?: Sm4Options,
): Uint8Array {
  checkKey(key);
  checkIv(iv);
  const padding = paddingOf(options);
  checkCiphertext(data, padding);
  return removePadding(backend.sm4CbcDecrypt(key, iv, data), padding);
}

/** SM4 under one fixed key; see {@link createSm4Cipher}. Same contracts as the one-shot functions. */
export interface Sm4Cipher {
  encryptEcb(data: Uint8Array, options?: Sm4Options): Uint8Array;
  decryptEcb(data: Uint8Array, options?: Sm4Options): Uint8Array;
  encryptCbc(iv: Uint8Array, data: Uint8Array, options?: Sm4Options): Uint8Array;
  decryptCbc(iv: Uint8Array, data: Uint8Array, options?: Sm4Options): Uint8Array;
}

/**
 * SM4 with the key set up once, for hot loops under one key (a gateway app secret, a node's
 * protection key). In Node this keeps the OpenSSL contexts alive between calls instead of
 * building one per call, which makes 1 KiB messages markedly faster (see BENCHMARKS.md). Every call is
 * independent: CBC calls take their own IV.
 *
 * @throws {TypeError} when `key` is not a Uint8Array.
 * @throws {RangeError} when `key` is not 16 bytes.
 * @example
 * const cipher = createSm4Cipher(appSecret);
 * for (const body of bodies) out.push(cipher.decryptEcb(body));
 */
export function createSm4Cipher(key: Uint8Array): Sm4Cipher {
  checkKey(key);
  const keyed: Sm4KeyedCipher = backend.createSm4(key);
  return {
    encryptEcb(data, options) {
      return keyed.ecbEncrypt(prepareEncryptInput(data, paddingOf(options)));
    },
    decryptEcb(data, options) {
      const padding = paddingOf(options);
      checkCiphertext(data, padding);
      return removePadding(keyed.ecbDecrypt(data), padding);
    },
    encryptCbc(iv, data, options) {
      checkIv(iv);
      return keyed.cbcEncrypt(iv, prepareEncryptInput(data, paddingOf(options)));
    },
    decryptCbc(iv, data, options) {
      checkIv(iv);
      const padding = paddingOf(options);
      checkCiphertext(data, padding);
      return removePadding(keyed.cbcDecrypt(iv, data), padding);
    },
  };
}
