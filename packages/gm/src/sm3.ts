/**
 * SM3 hash (GB/T 32905-2016) and HMAC-SM3, on the platform's fastest backend: OpenSSL in Node,
 * pure TypeScript in the browser.
 *
 * @module
 */

import { backend } from '#backend';
import { ensureBytes } from './assert.js';

/**
 * SM3 digest of `data` (32 bytes).
 *
 * @throws {TypeError} when `data` is not a Uint8Array.
 * @example
 * bytesToHex(sm3(utf8ToBytes('abc')));
 * // '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0'
 */
export function sm3(data: Uint8Array): Uint8Array {
  ensureBytes(data, 'data');
  return backend.sm3(data);
}

/**
 * HMAC-SM3 of `data` under `key` (RFC 2104 construction, 64-byte block; any key length, keys
 * longer than 64 bytes are hashed first). 32-byte tag; compare tags with `equalBytes`.
 *
 * @throws {TypeError} when `key` or `data` is not a Uint8Array.
 * @example
 * const tag = hmacSm3(utf8ToBytes('app secret'), utf8ToBytes('GET\n/cards\n…'));
 * equalBytes(tag, received); // constant-time check
 */
export function hmacSm3(key: Uint8Array, data: Uint8Array): Uint8Array {
  ensureBytes(key, 'key');
  ensureBytes(data, 'data');
  return backend.hmacSm3(key, data);
}
