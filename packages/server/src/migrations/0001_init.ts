/** 0001: the cipher machine's key store. */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('cipher_machine')
    .addColumn('id', 'integer', (col) => col.primaryKey().check(sql`id = 1`))
    .addColumn('master_key_check', 'text', (col) => col.notNull())
    .addColumn('development', 'boolean', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('cipher_keys')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('kind', 'text', (col) =>
      col.notNull().check(sql`kind in ('security', 'protection', 'data', 'node_sm2')`),
    )
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('wrapped_key', 'text', (col) => col.notNull())
    .addColumn('public_key', 'text')
    .addColumn('origin', 'text', (col) => col.notNull().check(sql`origin in ('generated', 'imported')`))
    .addColumn('active', 'boolean', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('cipher_keys_kind_version_key', ['kind', 'version'])
    .execute();

  // At most one active key of each kind.
  await sql`create unique index cipher_keys_one_active on cipher_keys (kind) where active`.execute(db);
}
