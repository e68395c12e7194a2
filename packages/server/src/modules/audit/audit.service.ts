/**
 * The audit log (C4): append in the caller's transaction, verify the chain, search.
 *
 * Appends are serialised by a transaction-scoped advisory lock: the appender takes the lock,
 * reads the last entry, writes seq + 1 chained to its hash, and the lock is released when the
 * caller's transaction ends. So several server processes on one PostgreSQL database write one
 * unbroken chain, and an entry whose transaction rolls back leaves no gap. The price is that
 * audited transactions finish one at a time from the append on: append as late as possible in
 * the unit of work. (PGlite is one connection, so there the lock is trivially uncontended.)
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema.js';
import { AppError } from '../../lib/errors.js';
import { maskSensitiveValue } from '../../lib/mask.js';
import { type ChainedEntry, computeAuditHash, GENESIS_HASH } from './audit.chain.js';
import type { AuditEntryInput, AuditLog, DbExecutor } from './audit.types.js';

/** Key of the advisory lock serialising appends ('EHCAUDIT' in ASCII). */
export const AUDIT_LOCK_KEY = '4992314134822668628';

export interface AuditLogOptions {
  /** Clock, for tests. */
  now?: () => Date;
}

/** The AuditLog other modules append to. Stateless: one per app, or one per call, both work. */
export function createAuditLog(options: AuditLogOptions = {}): AuditLog {
  const now = options.now ?? (() => new Date());
  return {
    async append(executor, entry) {
      if (executor.isTransaction) await appendLocked(executor, entry, now());
      else await executor.transaction().execute((trx) => appendLocked(trx, entry, now()));
    },
  };
}

async function appendLocked(trx: DbExecutor, input: AuditEntryInput, occurredAt: Date): Promise<void> {
  await sql`select pg_advisory_xact_lock(${sql.lit(AUDIT_LOCK_KEY)}::bigint)`.execute(trx);
  const last = await trx
    .selectFrom('audit_log')
    .select(['seq', 'hash'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const entry = toChainedEntry(input, BigInt(last?.seq ?? '0') + 1n, occurredAt);
  const prevHash = last?.hash ?? GENESIS_HASH;
  await trx
    .insertInto('audit_log')
    .values({
      seq: entry.seq,
      occurred_at: occurredAt,
      actor_kind: entry.actor.kind,
      actor_id: entry.actor.id,
      action: entry.action,
      subject_kind: entry.subject?.kind ?? null,
      subject_id: entry.subject?.id ?? null,
      details: entry.details === null ? null : JSON.stringify(entry.details),
      request_id: entry.requestId,
      prev_hash: prevHash,
      hash: computeAuditHash(prevHash, entry),
    })
    .execute();
}

function toChainedEntry(input: AuditEntryInput, seq: bigint, occurredAt: Date): ChainedEntry {
  // Through JSON once, so the hash covers exactly what jsonb gives back (dates as text, no
  // undefined); masked, as a safety net, so no ID or phone number enters the log in clear.
  const details =
    input.details === undefined
      ? null
      : (maskSensitiveValue(JSON.parse(JSON.stringify(input.details))) as Record<string, unknown>);
  return {
    seq: seq.toString(),
    occurredAt: occurredAt.toISOString(),
    actor: { kind: input.actor.kind, id: input.actor.id },
    action: input.action,
    subject: input.subject ? { kind: input.subject.kind, id: input.subject.id } : null,
    details,
    requestId: input.requestId ?? null,
  };
}

type AuditRow = {
  seq: string;
  occurred_at: Date;
  actor_kind: string;
  actor_id: string;
  action: string;
  subject_kind: string | null;
  subject_id: string | null;
  details: Record<string, unknown> | null;
  request_id: string | null;
  prev_hash: string;
  hash: string;
};

function rowToChainedEntry(row: AuditRow): ChainedEntry {
  return {
    seq: String(row.seq),
    occurredAt: new Date(row.occurred_at).toISOString(),
    actor: { kind: row.actor_kind, id: row.actor_id },
    action: row.action,
    subject: row.subject_kind === null ? null : { kind: row.subject_kind, id: row.subject_id ?? '' },
    details: typeof row.details === 'string' ? JSON.parse(row.details) : row.details,
    requestId: row.request_id,
  };
}

export type AuditBreakReason = 'seq_gap' | 'prev_hash_mismatch' | 'hash_mismatch';

export type AuditChainReport =
  | { intact: true; entries: number; lastSeq: string | null; lastHash: string }
  | {
      intact: false;
      /** Entries that matched before the first bad one. */
      entries: number;
      firstBad: { seq: string; reason: AuditBreakReason; message: string };
    };

/**
 * Walks the whole chain in seq order, `batchSize` entries at a time (never the whole table in
 * memory), and names the first entry that does not match. Deleting entries at the very end of
 * the chain is not detectable from the chain alone; compare `lastSeq`/`lastHash` with a copy
 * kept elsewhere for that.
 */
export async function verifyAuditChain(
  db: Kysely<Database>,
  options: { batchSize?: number } = {},
): Promise<AuditChainReport> {
  const batchSize = options.batchSize ?? 1000;
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1n;
  let entries = 0;
  let lastSeq: string | null = null;
  for (;;) {
    const rows = (await db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>', (expectedSeq - 1n).toString())
      .orderBy('seq')
      .limit(batchSize)
      .execute()) as AuditRow[];
    for (const row of rows) {
      const seq = String(row.seq);
      const bad = (reason: AuditBreakReason, message: string): AuditChainReport => ({
        intact: false,
        entries,
        firstBad: { seq, reason, message },
      });
      if (BigInt(seq) !== expectedSeq) {
        return bad('seq_gap', `entry ${seq} follows entry ${expectedSeq - 1n}: entries are missing`);
      }
      if (row.prev_hash !== prevHash) {
        return bad('prev_hash_mismatch', `entry ${seq} does not point at the hash of the entry before it`);
      }
      if (computeAuditHash(prevHash, rowToChainedEntry(row)) !== row.hash) {
        return bad('hash_mismatch', `entry ${seq} was altered: its content does not match its hash`);
      }
      prevHash = row.hash;
      lastSeq = seq;
      expectedSeq += 1n;
      entries += 1;
    }
    if (rows.length < batchSize) break;
  }
  return { intact: true, entries, lastSeq, lastHash: prevHash };
}

export interface AuditSearch {
  action?: string | undefined;
  /** `kind:id`, or an id alone. */
  subject?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  limit?: number | undefined;
  /** Entries with seq below this (paging backwards from the newest). */
  beforeSeq?: string | undefined;
}

export interface AuditEntryView {
  seq: string;
  occurredAt: string;
  actor: { kind: string; id: string };
  action: string;
  subject: { kind: string; id: string } | null;
  details: Record<string, unknown> | null;
  requestId: string | null;
  hash: string;
}

export const AUDIT_SEARCH_MAX = 500;

/** Newest first. Uses the indexes on (action, occurred_at), (subject) and (occurred_at). */
export async function searchAuditLog(db: Kysely<Database>, search: AuditSearch): Promise<AuditEntryView[]> {
  const limit = search.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > AUDIT_SEARCH_MAX) {
    throw new AppError('AUDIT_QUERY_INVALID', `limit must be an integer from 1 to ${AUDIT_SEARCH_MAX}`);
  }
  if (search.from && search.to && search.from > search.to) {
    throw new AppError('AUDIT_QUERY_INVALID', '`from` must not be after `to`');
  }
  let query = db.selectFrom('audit_log').selectAll();
  if (search.action) query = query.where('action', '=', search.action);
  if (search.subject) {
    const colon = search.subject.indexOf(':');
    if (colon > 0) {
      query = query
        .where('subject_kind', '=', search.subject.slice(0, colon))
        .where('subject_id', '=', search.subject.slice(colon + 1));
    } else query = query.where('subject_id', '=', search.subject);
  }
  if (search.from) query = query.where('occurred_at', '>=', search.from);
  if (search.to) query = query.where('occurred_at', '<=', search.to);
  if (search.beforeSeq) query = query.where('seq', '<', search.beforeSeq);
  const rows = (await query.orderBy('seq', 'desc').limit(limit).execute()) as AuditRow[];
  return rows.map((row) => ({ ...rowToChainedEntry(row), hash: row.hash }));
}
