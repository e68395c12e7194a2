/**
 * The Node backend: SM3, HMAC-SM3 and SM4 through `node:crypto`, i.e. the OpenSSL that Node is
 * linked with. Selected by default for the `#backend` import.
 *
 * Throughput notes (1 KiB messages, see BENCHMARKS.md): `crypto.hash` is the one-shot digest
 * with the least per-call overhead, and cheaper still with a string result (see
 * `binaryToBytes`). Creating an OpenSSL cipher context (`createCipheriv`) costs about as much
 * as encrypting 0.5 KiB, so `createSm4` keeps one context per direction and mode
 * alive and feeds it whole blocks. ECB is stateless between blocks, so reusing its context is
 * exact. A reused CBC context chains from the last ciphertext block of the previous call; the
 * first block of each call is corrected by XOR with (previous chaining block ⊕ this call's IV),
 * which gives exactly CBC under the new IV.
 *
 * @module
 */

import crypto, { type Cipher, type Decipher } from 'node:crypto';
import type { GmBackend, Sm4KeyedCipher } from './types.js';

const BLOCK = 16;
const ZERO_IV = new Uint8Array(BLOCK);

/** A `Uint8Array` over a `Buffer`'s bytes: a view when the Buffer owns its memory, else a copy. */
function toBytes(buffer: Buffer): Uint8Array {
  if (buffer.byteOffset === 0 && buffer.byteLength === buffer.buffer.byteLength) {
    return new Uint8Array(buffer.buffer, 0, buffer.byteLength);
  }
  return Uint8Array.prototype.slice.call(buffer);
}

function cipher(mode: 'sm4-ecb' | 'sm4-cbc', key: Uint8Array, iv: Uint8Array | null): Cipher {
  const c = crypto.createCipheriv(mode, key, iv);
  c.setAutoPadding(false);
  return c;
}

function decipher(mode: 'sm4-ecb' | 'sm4-cbc', key: Uint8Array, iv: Uint8Array | null): Decipher {
  const d = crypto.createDecipheriv(mode, key, iv);
  d.setAutoPadding(false);
  return d;
}

/**
 * Bytes of a `binary` (latin1) string, one char per byte. A digest returned as such a string
 * plus this loop is about 1 µs faster per call than asking Node for a Buffer: a Buffer made in
 * C++ gets its own backing store, which costs more than hashing 200 bytes.
 */
function binaryToBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/** XORs the first 16 bytes of `a` with `mask` in place. */
function xorFirstBlock(a: Uint8Array, mask: Uint8Array): void {
  for (let i = 0; i < BLOCK; i++) a[i]! ^= mask[i]!;
}

function isShared(bytes: Uint8Array): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && bytes.buffer instanceof SharedArrayBuffer;
}

function createSm4(key: Uint8Array): Sm4KeyedCipher {
  // Contexts are created on first use: a verifier that only decrypts never builds an encryptor.
  let ecbEncryptor: Cipher | undefined;
  let ecbDecryptor: Decipher | undefined;
  let cbcEncryptor: Cipher | undefined;
  let cbcDecryptor: Decipher | undefined;
  // The chaining block each CBC context will use next (its IV was zero).
  const cbcEncryptChain = new Uint8Array(BLOCK);
  const cbcDecryptChain = new Uint8Array(BLOCK);
  const mask = new Uint8Array(BLOCK);
  const ownKey = Uint8Array.prototype.slice.call(key);
  return {
    ecbEncrypt(data) {
      ecbEncryptor ??= cipher('sm4-ecb', ownKey, null);
      return toBytes(ecbEncryptor.update(data));
    },
    ecbDecrypt(data) {
      ecbDecryptor ??= decipher('sm4-ecb', ownKey, null);
      return toBytes(ecbDecryptor.update(data));
    },
    cbcEncrypt(iv, data) {
      if (data.length === 0) return new Uint8Array(0);
      cbcEncryptor ??= cipher('sm4-cbc', ownKey, ZERO_IV);
      // The mask turns the context's chaining block into this call's IV. It is applied to the
      // caller's first block in place and undone right after, because copying a 1 KiB input
      // costs about a tenth of encrypting it; shared memory, which another thread could read
      // meanwhile, is copied instead. The mask is taken first so that an IV overlapping the
      // data is still read correctly.
      for (let i = 0; i < BLOCK; i++) mask[i] = iv[i]! ^ cbcEncryptChain[i]!;
      const shared = isShared(data);
      const input = shared ? Uint8Array.prototype.slice.call(data) : data;
      xorFirstBlock(input, mask);
      let out: Uint8Array;
      try {
        out = toBytes(cbcEncryptor.update(input));
      } finally {
        if (!shared) xorFirstBlock(input, mask);
      }
      cbcEncryptChain.set(out.subarray(out.length - BLOCK));
      return out;
    },
    cbcDecrypt(iv, data) {
      if (data.length === 0) return new Uint8Array(0);
      cbcDecryptor ??= decipher('sm4-cbc', ownKey, ZERO_IV);
      for (let i = 0; i < BLOCK; i++) mask[i] = iv[i]! ^ cbcDecryptChain[i]!;
      const out = toBytes(cbcDecryptor.update(data));
      xorFirstBlock(out, mask);
      cbcDecryptChain.set(data.subarray(data.length - BLOCK));
      return out;
    },
  };
}

/**
 * The OpenSSL backend.
 *
 * @example
 * import { backend } from './backend/node.js'; // what `#backend` is in Node
 * backend.sm3(new Uint8Array()); // 32-byte digest of the empty message
 */
export const backend: GmBackend = {
  name: 'node',
  sm3: (data) => binaryToBytes(crypto.hash('sm3', data, 'binary')),
  hmacSm3: (key, data) => binaryToBytes(crypto.createHmac('sm3', key).update(data).digest('binary')),
  sm4EcbEncrypt: (key, data) => toBytes(cipher('sm4-ecb', key, null).update(data)),
  sm4EcbDecrypt: (key, data) => toBytes(decipher('sm4-ecb', key, null).update(data)),
  sm4CbcEncrypt: (key, iv, data) => toBytes(cipher('sm4-cbc', key, iv).update(data)),
  sm4CbcDecrypt: (key, iv, data) => toBytes(decipher('sm4-cbc', key, iv).update(data)),
  createSm4,
};
