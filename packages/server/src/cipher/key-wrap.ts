/**
 * Authenticated key wrapping with national algorithms: SM4-CBC (random IV) then HMAC-SM3 over
 * label ‖ IV ‖ ciphertext (encrypt-then-MAC). The label binds a wrapped key to its purpose, so a
 * row copied from one key slot to another fails its check instead of being used.
 */

import { randomBytes } from 'node:crypto';
import {
  bytesToHex,
  concatBytes,
  equalBytes,
  hexToBytes,
  hmacSm3,
  sm4DecryptCbc,
  sm4EncryptCbc,
  utf8ToBytes,
} from '@ehc/gm';

export interface WrappingKeys {
  encryption: Uint8Array;
  authentication: Uint8Array;
}

const MAC_LENGTH = 32;
const IV_LENGTH = 16;

/** Derives separate encryption and MAC keys from one 16-byte key (HMAC-SM3 as the KDF). */
export function deriveWrappingKeys(key: Uint8Array): WrappingKeys {
  return {
    encryption: hmacSm3(key, utf8ToBytes('EHC key wrap: encryption')).subarray(0, 16),
    authentication: hmacSm3(key, utf8ToBytes('EHC key wrap: authentication')),
  };
}

/** Check value of a master key: lets a wrong EHC_MASTER_KEY fail clearly at start. */
export function keyCheckValue(key: Uint8Array): string {
  return bytesToHex(hmacSm3(key, utf8ToBytes('EHC master key check')));
}

export function wrapKey(keys: WrappingKeys, label: string, secret: Uint8Array): string {
  const iv = new Uint8Array(randomBytes(IV_LENGTH));
  const ciphertext = sm4EncryptCbc(keys.encryption, iv, secret);
  const mac = hmacSm3(keys.authentication, concatBytes(utf8ToBytes(label), iv, ciphertext));
  return bytesToHex(concatBytes(iv, ciphertext, mac));
}

/** @returns the secret, or undefined when the wrapped form fails its integrity check. */
export function unwrapKey(keys: WrappingKeys, label: string, wrapped: string): Uint8Array | undefined {
  if (!/^[0-9a-f]+$/.test(wrapped) || wrapped.length % 2 !== 0) return undefined;
  const bytes = hexToBytes(wrapped);
  if (bytes.length < IV_LENGTH + 16 + MAC_LENGTH) return undefined;
  const iv = bytes.subarray(0, IV_LENGTH);
  const ciphertext = bytes.subarray(IV_LENGTH, bytes.length - MAC_LENGTH);
  const mac = bytes.subarray(bytes.length - MAC_LENGTH);
  const expected = hmacSm3(keys.authentication, concatBytes(utf8ToBytes(label), iv, ciphertext));
  if (!equalBytes(mac, expected)) return undefined;
  try {
    return sm4DecryptCbc(keys.encryption, iv, ciphertext);
  } catch {
    return undefined;
  }
}
