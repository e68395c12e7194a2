/**
 * The primitive API both backends implement: `node.ts` through `node:crypto` (OpenSSL), and
 * `browser.ts` through the pure TypeScript implementations. Public modules import the one that
 * fits the platform from `#backend` (see the `imports` map in package.json).
 *
 * Backends do no argument checking and no padding: the public modules (`sm3.ts`, `sm4.ts`)
 * validate sizes first, so a backend sees 16-byte keys and IVs and whole 16-byte blocks only.
 *
 * @module
 */

/**
 * SM4 with one key expanded once, for hot loops. ECB and CBC over whole blocks, no padding.
 * Not safe to share across threads (there are none in JS); each call is independent of the
 * previous one, CBC included.
 */
export interface Sm4KeyedCipher {
  ecbEncrypt(data: Uint8Array): Uint8Array;
  ecbDecrypt(data: Uint8Array): Uint8Array;
  cbcEncrypt(iv: Uint8Array, data: Uint8Array): Uint8Array;
  cbcDecrypt(iv: Uint8Array, data: Uint8Array): Uint8Array;
}

/** SM3, HMAC-SM3 and SM4 (ECB/CBC over whole blocks). */
export interface GmBackend {
  /** `'node'` (OpenSSL via node:crypto) or `'pure'` (TypeScript). */
  readonly name: 'node' | 'pure';
  sm3(data: Uint8Array): Uint8Array;
  hmacSm3(key: Uint8Array, data: Uint8Array): Uint8Array;
  sm4EcbEncrypt(key: Uint8Array, data: Uint8Array): Uint8Array;
  sm4EcbDecrypt(key: Uint8Array, data: Uint8Array): Uint8Array;
  sm4CbcEncrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array;
  sm4CbcDecrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array;
  createSm4(key: Uint8Array): Sm4KeyedCipher;
}
