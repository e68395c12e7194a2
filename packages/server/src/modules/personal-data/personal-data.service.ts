/**
 * Personal data at rest (C2): SM4-CBC with a random IV and HMAC-SM3 over the result
 * (encrypt-then-MAC), under a data key (数据密钥) per field that the cipher machine generated and
 * wrapped. The wrapped keys live in `data_keys`; they are unwrapped once, when the protector is
 * created, so encrypt/decrypt/blindIndex are synchronous and never reach the database or the
 * cipher machine. Nothing here logs or puts plaintext in an error.
 *
 * Ciphertext text form: `v<key version>.<base64url(iv ‖ ciphertext ‖ mac)>`; the MAC binds the
 * field and the key version, so a value copied from one column to another fails its check.
 */
import { randomBytes } from 'node:crypto';
import {
  bytesToHex,
  bytesToUtf8,
  concatBytes,
  createSm4Cipher,
  equalBytes,
  hmacSm3,
  type Sm4Cipher,
  utf8ToBytes,
} from '@ehc/gm';
import type { Kysely } from 'kysely';
import type { CipherMachine } from '../../cipher/cipher-machine.js';
import type { Database } from '../../db/schema.js';
import { AppError } from '../../lib/errors.js';
import type { PersonalDataProtector, ProtectedField } from './personal-data.types.js';

export const PROTECTED_FIELDS: readonly ProtectedField[] = ['id_no', 'phone', 'address'];

const IV_LENGTH = 16;
const MAC_LENGTH = 32;

interface FieldKeys {
  version: number;
  cipher: Sm4Cipher;
  mac: Uint8Array;
  blindIndex: Uint8Array;
}

/** The `data_keys.purpose` of a field's key. */
export function dataKeyPurpose(field: ProtectedField): string {
  return `personal-data:${field}`;
}

/** Separate keys for encryption, MAC and blind index, derived from one data key (HMAC-SM3 as KDF). */
function deriveFieldKeys(dataKey: Uint8Array, field: ProtectedField, version: number): FieldKeys {
  const derive = (label: string) => hmacSm3(dataKey, utf8ToBytes(`EHC personal data ${field}: ${label}`));
  return {
    version,
    cipher: createSm4Cipher(derive('encryption').subarray(0, 16)),
    mac: derive('authentication'),
    blindIndex: derive('blind index'),
  };
}

/**
 * Normalisation before the blind index, so that equal values written differently match: every
 * field is trimmed; an ID number is upper-cased (`…006x` → `…006X`), as GB 11643 writes it.
 */
export function normaliseForIndex(field: ProtectedField, value: string): string {
  const trimmed = value.trim();
  return field === 'id_no' ? trimmed.toUpperCase() : trimmed;
}

/**
 * Loads the data keys (creating, on first use, one per field through the cipher machine) and
 * returns the protector. Safe when several processes start at once: a key another process
 * inserted first wins and is the one used.
 */
export async function createPersonalDataProtector(
  db: Kysely<Database>,
  cipher: CipherMachine,
): Promise<PersonalDataProtector> {
  const current = new Map<ProtectedField, FieldKeys>();
  // The blind index stays under the first key of a field, so rotating the encryption key does
  // not change every index (which would need a full re-index).
  const indexKeys = new Map<ProtectedField, FieldKeys>();
  const byVersion = new Map<string, FieldKeys>();
  for (const field of PROTECTED_FIELDS) {
    const purpose = dataKeyPurpose(field);
    let rows = await db
      .selectFrom('data_keys')
      .select(['version', 'wrapped_key', 'active'])
      .where('purpose', '=', purpose)
      .execute();
    if (!rows.some((row) => row.active)) {
      const { wrapped } = await cipher.generateDataKey();
      await db
        .insertInto('data_keys')
        .values({ purpose, version: 1, wrapped_key: wrapped, active: true })
        .onConflict((conflict) => conflict.doNothing())
        .execute();
      rows = await db
        .selectFrom('data_keys')
        .select(['version', 'wrapped_key', 'active'])
        .where('purpose', '=', purpose)
        .execute();
    }
    for (const row of rows) {
      const keys = deriveFieldKeys(await cipher.decryptDataKey(row.wrapped_key), field, row.version);
      byVersion.set(`${field}:${row.version}`, keys);
      if (row.active) current.set(field, keys);
      if (row.version < (indexKeys.get(field)?.version ?? Number.POSITIVE_INFINITY))
        indexKeys.set(field, keys);
    }
  }

  const keysOf = (field: ProtectedField): FieldKeys => {
    const keys = current.get(field);
    if (!keys) throw new TypeError(`not a protected field: ${String(field)}`);
    return keys;
  };
  const macInput = (field: ProtectedField, version: number, iv: Uint8Array, body: Uint8Array) =>
    concatBytes(utf8ToBytes(`${field}:${version}`), iv, body);
  const tampered = (field: ProtectedField, why: string) =>
    new AppError('PERSONAL_DATA_TAMPERED', `the stored ${field} ${why}; it was not decrypted`);

  return {
    encrypt(field, plaintext) {
      const keys = keysOf(field);
      const iv = new Uint8Array(randomBytes(IV_LENGTH));
      const body = keys.cipher.encryptCbc(iv, utf8ToBytes(plaintext));
      const mac = hmacSm3(keys.mac, macInput(field, keys.version, iv, body));
      return `v${keys.version}.${Buffer.from(concatBytes(iv, body, mac)).toString('base64url')}`;
    },

    decrypt(field, ciphertext) {
      keysOf(field);
      const match = /^v(\d{1,9})\.([A-Za-z0-9_-]+)$/.exec(ciphertext);
      if (!match) throw tampered(field, 'is not in the ciphertext format');
      const version = Number(match[1]);
      const keys = byVersion.get(`${field}:${version}`);
      if (!keys) throw tampered(field, `names an unknown key version ${version}`);
      const bytes = new Uint8Array(Buffer.from(match[2] ?? '', 'base64url'));
      if (bytes.length < IV_LENGTH + 16 + MAC_LENGTH || (bytes.length - IV_LENGTH - MAC_LENGTH) % 16 !== 0) {
        throw tampered(field, 'has the wrong length');
      }
      const iv = bytes.subarray(0, IV_LENGTH);
      const body = bytes.subarray(IV_LENGTH, bytes.length - MAC_LENGTH);
      const mac = bytes.subarray(bytes.length - MAC_LENGTH);
      if (!equalBytes(mac, hmacSm3(keys.mac, macInput(field, version, iv, body)))) {
        throw tampered(field, 'failed its integrity check');
      }
      try {
        return bytesToUtf8(keys.cipher.decryptCbc(iv, body));
      } catch (error) {
        throw new AppError('PERSONAL_DATA_TAMPERED', `the stored ${field} cannot be decrypted`, undefined, {
          cause: error,
        });
      }
    },

    blindIndex(field, value) {
      keysOf(field);
      const key = indexKeys.get(field)?.blindIndex ?? keysOf(field).blindIndex;
      return bytesToHex(hmacSm3(key, utf8ToBytes(normaliseForIndex(field, value))));
    },
  };
}
