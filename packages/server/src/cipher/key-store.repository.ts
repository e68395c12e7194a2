/** Kysely access to the cipher machine's tables. Returns rows or undefined; no rules here. */
import type { Kysely, Transaction } from 'kysely';
import type { CipherKeyKind, Database } from '../db/schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

export function findCipherMachineRow(db: Executor) {
  return db.selectFrom('cipher_machine').selectAll().where('id', '=', 1).executeTakeFirst();
}

export function findActiveKeys(db: Executor) {
  return db.selectFrom('cipher_keys').selectAll().where('active', '=', true).execute();
}

export async function insertCipherMachineRow(
  db: Executor,
  row: { masterKeyCheck: string; development: boolean },
) {
  await db
    .insertInto('cipher_machine')
    .values({ id: 1, master_key_check: row.masterKeyCheck, development: row.development })
    .execute();
}

export async function insertKey(
  db: Executor,
  key: {
    kind: CipherKeyKind;
    version: number;
    wrappedKey: string;
    publicKey: string | null;
    origin: 'generated' | 'imported';
  },
) {
  await db
    .insertInto('cipher_keys')
    .values({
      kind: key.kind,
      version: key.version,
      wrapped_key: key.wrappedKey,
      public_key: key.publicKey,
      origin: key.origin,
      active: true,
    })
    .execute();
}
