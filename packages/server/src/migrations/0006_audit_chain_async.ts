/**
 * 0006: the audit chain is linked after commit instead of inside each audited transaction.
 * Entries are inserted unchained (seq, prev_hash, hash null) in the caller's transaction, so
 * audited requests no longer queue on one lock; a chainer links them in `id` order, in batches.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table audit_log drop constraint audit_log_pkey`.execute(db);
  await sql`alter table audit_log add column id bigint generated always as identity primary key`.execute(db);
  await sql`alter table audit_log alter column seq drop not null`.execute(db);
  await sql`alter table audit_log alter column prev_hash drop not null`.execute(db);
  await sql`alter table audit_log alter column hash drop not null`.execute(db);
  await sql`create unique index audit_log_seq on audit_log (seq)`.execute(db);
  await sql`create index audit_log_pending on audit_log (id) where seq is null`.execute(db);
  // A chained entry has all three chain fields; an unchained one has none.
  await sql`
    alter table audit_log add constraint audit_log_chained_together
    check ((seq is null and prev_hash is null and hash is null) or (seq is not null and prev_hash is not null and hash is not null))
  `.execute(db);
}
