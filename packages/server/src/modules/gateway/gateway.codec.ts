/**
 * The `ehc.*` envelope (EHC-FORMATS §4): biz_content encryption and the digest, in the default
 * profile (SM4-ECB PKCS#7 under the 16 bytes of the 32-hex app secret, lowercase hex; SM3 digest
 * over the sorted `k=v&…` of every other non-empty field followed directly by the secret) and the
 * per-app compatibility options (Base64; digest over plaintext biz_content + `&app_secret=`;
 * AES-128-ECB and SHA-256).
 */
import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';
import { bytesToHex, createSm4Cipher, hexToBytes, sm3, utf8ToBytes } from '@ehc/gm';
import type { AppCompat } from '../institutions/institutions.tables.js';

export type GatewayFields = Record<string, string>;

const sm4Ciphers = new Map<string, ReturnType<typeof createSm4Cipher>>();

function sm4For(secret: string) {
  let cipher = sm4Ciphers.get(secret);
  if (!cipher) {
    if (sm4Ciphers.size > 1000) sm4Ciphers.clear();
    cipher = createSm4Cipher(hexToBytes(secret));
    sm4Ciphers.set(secret, cipher);
  }
  return cipher;
}

function aes(mode: 'encrypt' | 'decrypt', secret: string, data: Uint8Array): Uint8Array {
  const key = Buffer.from(secret, 'hex');
  const cipher =
    mode === 'encrypt'
      ? createCipheriv('aes-128-ecb', key, null)
      : createDecipheriv('aes-128-ecb', key, null);
  return Buffer.concat([cipher.update(data), cipher.final()]);
}

/** Encrypts the JSON text of biz_content for transmission. */
export function encryptBizContent(plaintext: string, secret: string, compat: Required<AppCompat>): string {
  const data = utf8ToBytes(plaintext);
  const encrypted =
    compat.algorithms === 'intl' ? aes('encrypt', secret, data) : sm4For(secret).encryptEcb(data);
  return compat.bizContentEncoding === 'base64'
    ? Buffer.from(encrypted).toString('base64')
    : bytesToHex(encrypted);
}

/** Decrypts transmitted biz_content to its JSON text; throws on any malformation. */
export function decryptBizContent(transmitted: string, secret: string, compat: Required<AppCompat>): string {
  let data: Uint8Array;
  if (compat.bizContentEncoding === 'base64') {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(transmitted)) throw new Error('biz_content is not Base64');
    data = Buffer.from(transmitted, 'base64');
  } else {
    if (!/^([0-9a-fA-F]{2})*$/.test(transmitted)) throw new Error('biz_content is not hexadecimal');
    data = hexToBytes(transmitted.toLowerCase());
  }
  const plain = compat.algorithms === 'intl' ? aes('decrypt', secret, data) : sm4For(secret).decryptEcb(data);
  return new TextDecoder('utf-8', { fatal: true }).decode(plain);
}

/**
 * The digest of a request or response. `fields` are the transmitted fields (digest itself is
 * ignored); in the plaintext_with_secret mode `plaintextBiz` replaces the transmitted biz_content.
 */
export function computeDigest(
  fields: GatewayFields,
  secret: string,
  compat: Required<AppCompat>,
  plaintextBiz?: string,
): string {
  const plaintextMode = compat.digestMode === 'plaintext_with_secret';
  const pairs = Object.keys(fields)
    .filter((key) => key !== 'digest')
    .map(
      (key) =>
        [key, key === 'biz_content' && plaintextMode ? (plaintextBiz ?? '') : (fields[key] ?? '')] as const,
    )
    .filter(([, value]) => value !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`);
  const text = plaintextMode ? `${pairs.join('&')}&app_secret=${secret}` : `${pairs.join('&')}${secret}`;
  return compat.algorithms === 'intl'
    ? createHash('sha256').update(text, 'utf8').digest('hex')
    : bytesToHex(sm3(utf8ToBytes(text)));
}
