/**
 * App secrets at rest: SM4-CBC under a data key (数据密钥) that the cipher machine wraps; the
 * wrapped key lives in `app_secret_keys`, and each unwrapped key is kept in memory by id.
 */
import { randomBytes } from 'node:crypto';
import { bytesToHex, bytesToUtf8, hexToBytes, sm4DecryptCbc, sm4EncryptCbc, utf8ToBytes } from '@ehc/gm';
import type { CipherMachine } from '../../cipher/cipher-machine.js';
import type { InstitutionsRepository } from './institutions.repository.js';

export function createAppSecretCrypto(repository: InstitutionsRepository, cipher: CipherMachine) {
  const keys = new Map<number, Uint8Array>();

  async function currentKey(): Promise<{ id: number; key: Uint8Array }> {
    let row = await repository.latestSecretKey();
    if (!row) {
      const generated = await cipher.generateDataKey();
      row = await repository.insertSecretKey(generated.wrapped);
      keys.set(row.id, generated.plaintext);
    }
    return { id: row.id, key: await keyById(row.id, row.wrapped_key) };
  }

  async function keyById(id: number, wrapped?: string): Promise<Uint8Array> {
    const cached = keys.get(id);
    if (cached) return cached;
    const stored = wrapped ?? (await repository.findSecretKey(id))?.wrapped_key;
    if (stored === undefined) throw new Error(`app secret key ${id} is missing`);
    const key = await cipher.decryptDataKey(stored);
    keys.set(id, key);
    return key;
  }

  return {
    async encrypt(secret: string): Promise<{ keyId: number; encrypted: string }> {
      const { id, key } = await currentKey();
      const iv = randomBytes(16);
      const ciphertext = sm4EncryptCbc(key, iv, utf8ToBytes(secret));
      return { keyId: id, encrypted: `${bytesToHex(iv)}${bytesToHex(ciphertext)}` };
    },

    async decrypt(keyId: number, encrypted: string): Promise<string> {
      const key = await keyById(keyId);
      const bytes = hexToBytes(encrypted);
      return bytesToUtf8(sm4DecryptCbc(key, bytes.subarray(0, 16), bytes.subarray(16)));
    },
  };
}
