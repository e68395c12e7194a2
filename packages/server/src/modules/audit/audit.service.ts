/**
 * The audit log (C4): append in the caller's transaction, link the chain, verify it, search.
 *
 * Two steps, so that audited requests never queue behind one another:
 * 1. `append` inserts the entry, unchained, in the caller's transaction: it exists exactly when
 *    the change does, and concurrent transactions commit in parallel.
 * 2. `chainPendingAuditEntries` (run continuously by every server process; a transaction-scoped
 *    advisory try-lock lets one process at a time work) gives unchained entries, in insertion
 *    order, the next `seq`, the previous entry's hash and their own hash = SM3(prev ‖ entry).
 * An entry is thus chained within a fraction of a second of its commit; the verifier reports
 * entries still waiting as `pending`. Several processes on one database still write one
 * unbroken chain, and a rolled-back entry never existed.
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema.js';
import { AppError } from '../../lib/errors.js';
import { maskSensitiveValue } from '../../lib/mask.js';
import { type ChainedEntry, computeAuditHash, GENESIS_HASH } from './audit.chain.js';
import type { AuditEntryInput, AuditLog } from './audit.types.js';

/** Key of the advisory lock that lets one process at a time link the chain ('EHCAUDIT' in ASCII). */
export const AUDIT_LOCK_KEY = '4992314134822668628';

export interface AuditLogOptions {
  /** Clock, for tests. */
  now?: () => Date;
}

/** The AuditLog other modules append to. Stateless: one per app, or one per call, both work. */
export function createAuditLog(options: AuditLogOptions = {}): AuditLog {
  const now = options.now ?? (() => new Date());
  return {
    async append(executor, input) {
      await executor.insertInto('audit_log').values(toRow(input, now())).execute();
    },
    async appendMany(executor, inputs) {
      if (inputs.length === 0) return;
      const occurredAt = now();
      await executor
        .insertInto('audit_log')
        .values(inputs.map((input) => toRow(input, occurredAt)))
        .execute();
    },
  };
}

/**
 * Links up to `batchSize` unchained entries, in insertion order, to the end of the chain.
 * @returns how many were linked; 0 when none waited or another process holds the chain lock.
 */
export async function chainPendingAuditEntries(
  db: Kysely<Database>,
  options: { batchSize?: number } = {},
): Promise<number> {
  const batchSize = options.batchSize ?? 500;
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{
      locked: boolean;
    }>`select pg_try_advisory_xact_lock(${sql.lit(AUDIT_LOCK_KEY)}::bigint) as locked`.execute(trx);
    if (!rows[0]?.locked) return 0;
    const pending = (await trx
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', 'is', null)
      .orderBy('id')
      .limit(batchSize)
      .execute()) as AuditRow[];
    if (pending.length === 0) return 0;
    const last = await trx
      .selectFrom('audit_log')
      .select(['seq', 'hash'])
      .where('seq', 'is not', null)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    let seq = BigInt(last?.seq ?? '0');
    let prevHash = last?.hash ?? GENESIS_HASH;
    const links = pending.map((row) => {
      seq += 1n;
      const hash = computeAuditHash(prevHash, { ...rowToChainedEntry(row), seq: seq.toString() });
      const link = sql`(${row.id}::bigint, ${seq.toString()}::bigint, ${prevHash}, ${hash})`;
      prevHash = hash;
      return link;
    });
    await sql`
      update audit_log set seq = v.seq, prev_hash = v.prev_hash, hash = v.hash
      from (values ${sql.join(links)}) as v(id, seq, prev_hash, hash)
      where audit_log.id = v.id
    `.execute(trx);
    return pending.length;
  });
}

/**
 * Runs the chainer in this process until stopped: every `intervalMs`, and at once again while
 * full batches keep coming.
 */
export function startAuditChainer(
  db: Kysely<Database>,
  options: { intervalMs?: number; onError?: (error: unknown) => void } = {},
): { stop(): Promise<void> } {
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const tick = async () => {
    try {
      while (!stopped && (await chainPendingAuditEntries(db)) === 500) {
        // a full batch: more may wait
      }
    } catch (error) {
      options.onError?.(error);
    }
  };
  const timer = setInterval(() => {
    running = running.then(tick);
  }, options.intervalMs ?? 200);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

/** The unchained row of an entry: the chain fields stay null until the chainer links it. */
function toRow(input: AuditEntryInput, occurredAt: Date) {
  const entry = toChainedEntry(input, '0', occurredAt);
  return {
    occurred_at: occurredAt,
    actor_kind: entry.actor.kind,
    actor_id: entry.actor.id,
    action: entry.action,
    subject_kind: entry.subject?.kind ?? null,
    subject_id: entry.subject?.id ?? null,
    details: entry.details === null ? null : JSON.stringify(entry.details),
    request_id: entry.requestId,
  };
}

function toChainedEntry(input: AuditEntryInput, seq: string, occurredAt: Date): ChainedEntry {
  // Through JSON once, so the hash covers exactly what jsonb gives back (dates as text, no
  // undefined); masked, as a safety net, so no ID or phone number enters the log in clear.
  const details =
    input.details === undefined
      ? null
      : (maskSensitiveValue(JSON.parse(JSON.stringify(input.details))) as Record<string, unknown>);
  return {
    seq,
    occurredAt: occurredAt.toISOString(),
    actor: { kind: input.actor.kind, id: input.actor.id },
    action: input.action,
    subject: input.subject ? { kind: input.subject.kind, id: input.subject.id } : null,
    details,
    requestId: input.requestId ?? null,
  };
}

type AuditRow = {
  id: string;
  seq: string | null;
  occurred_at: Date;
  actor_kind: string;
  actor_id: string;
  action: string;
  subject_kind: string | null;
  subject_id: string | null;
  details: Record<string, unknown> | null;
  request_id: string | null;
  prev_hash: string | null;
  hash: string | null;
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
  | { intact: true; entries: number; lastSeq: string | null; lastHash: string; pending: number }
  | {
      intact: false;
      /** Entries that matched before the first bad one. */
      entries: number;
      firstBad: { seq: string; reason: AuditBreakReason; message: string };
      pending: number;
    };

/**
 * Walks the whole chain in seq order, `batchSize` entries at a time (never the whole table in
 * memory), and names the first entry that does not match. Deleting entries at the very end of
 * the chain is not detectable from the chain alone; compare `lastSeq`/`lastHash` with a copy
 * kept elsewhere for that. Entries not yet linked by the chainer are counted as `pending`.
 */
export async function verifyAuditChain(
  db: Kysely<Database>,
  options: { batchSize?: number } = {},
): Promise<AuditChainReport> {
  const batchSize = options.batchSize ?? 1000;
  const pendingRow = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('seq', 'is', null)
    .executeTakeFirstOrThrow();
  const pending = Number(pendingRow.count);
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
        pending,
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
      prevHash = row.hash as string;
      lastSeq = seq;
      expectedSeq += 1n;
      entries += 1;
    }
    if (rows.length < batchSize) break;
  }
  return { intact: true, entries, lastSeq, lastHash: prevHash, pending };
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
  /** null while the entry waits for the chainer (a fraction of a second). */
  seq: string | null;
  occurredAt: string;
  actor: { kind: string; id: string };
  action: string;
  subject: { kind: string; id: string } | null;
  details: Record<string, unknown> | null;
  requestId: string | null;
  hash: string | null;
}

export const AUDIT_SEARCH_MAX = 500;

/** Newest first (insertion order). Uses the indexes on (action, occurred_at), (subject) and (occurred_at). */
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
  const rows = (await query.orderBy('id', 'desc').limit(limit).execute()) as AuditRow[];
  return rows.map((row) => ({ ...rowToChainedEntry(row), seq: row.seq, hash: row.hash }));
}

/** Links every entry still waiting, then verifies: what `ehc audit verify` and the admin API report. */
export async function chainAndVerifyAuditLog(db: Kysely<Database>): Promise<AuditChainReport> {
  while ((await chainPendingAuditEntries(db)) > 0) {
    // keep linking until nothing waits (or another process holds the chain lock)
  }
  return verifyAuditChain(db);
}
