/** Table types of the audit chain (migration 0003_records). */
import type { ColumnType } from 'kysely';

/** One entry of the SM3-chained audit log. Append-only: no updated_at (a change breaks the chain). */
export interface AuditLogTable {
  /** Insertion order; the chainer links unchained entries in this order. */
  id: ColumnType<string, never, never>;
  /** 1, 2, 3… without gaps: the position in the chain; null until the chainer links the entry. */
  seq: ColumnType<string | null, string | number | null | undefined, string | number>;
  occurred_at: ColumnType<Date, Date, never>;
  actor_kind: string;
  actor_id: string;
  action: string;
  subject_kind: string | null;
  subject_id: string | null;
  details: ColumnType<Record<string, unknown> | null, string | null, never>;
  request_id: string | null;
  /** Hash of the previous entry (64 zeros before the first), lowercase hex. */
  prev_hash: ColumnType<string | null, string | null | undefined, string>;
  /** SM3(prev hash ‖ canonical JSON of this entry), lowercase hex. */
  hash: ColumnType<string | null, string | null | undefined, string>;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

export interface AuditTables {
  audit_log: AuditLogTable;
}
