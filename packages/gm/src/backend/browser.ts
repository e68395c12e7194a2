/**
 * The browser backend: SM3, HMAC-SM3 and SM4 by the pure TypeScript implementations in
 * `../pure/`. Selected by the `browser` condition of the `#backend` import.
 *
 * @module
 */

import { hmacSm3Pure, sm3Pure } from '../pure/sm3.js';
import { expandSm4Key, sm4CbcDecryptPure, sm4CbcEncryptPure, sm4EcbPure } from '../pure/sm4.js';
import type { GmBackend, Sm4KeyedCipher } from './types.js';

function createSm4(key: Uint8Array): Sm4KeyedCipher {
  const encryptionKeys = expandSm4Key(key, false);
  const decryptionKeys = expandSm4Key(key, true);
  return {
    ecbEncrypt: (data) => sm4EcbPure(encryptionKeys, data),
    ecbDecrypt: (data) => sm4EcbPure(decryptionKeys, data),
    cbcEncrypt: (iv, data) => sm4CbcEncryptPure(encryptionKeys, iv, data),
    cbcDecrypt: (iv, data) => sm4CbcDecryptPure(decryptionKeys, iv, data),
  };
}

/**
 * The pure-TypeScript backend.
 *
 * @example
 * import { backend } from './backend/browser.js'; // what `#backend` is in a browser build
 * backend.sm3(new Uint8Array()); // 32-byte digest of the empty message
 */
export const backend: GmBackend = {
  name: 'pure',
  sm3: sm3Pure,
  hmacSm3: hmacSm3Pure,
  sm4EcbEncrypt: (key, data) => sm4EcbPure(expandSm4Key(key, false), data),
  sm4EcbDecrypt: (key, data) => sm4EcbPure(expandSm4Key(key, true), data),
  sm4CbcEncrypt: (key, iv, data) => sm4CbcEncryptPure(expandSm4Key(key, false), iv, data),
  sm4CbcDecrypt: (key, iv, data) => sm4CbcDecryptPure(expandSm4Key(key, true), iv, data),
  createSm4,
};
