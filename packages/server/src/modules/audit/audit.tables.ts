/** Table types of the audit chain (migration 0003_records). */
import type { ColumnType } from 'kysely';

/** One entry of the SM3-chained audit log. Append-only: no updated_at (a change breaks the chain). */
export interface AuditLogTable {
  /** 1, 2, 3… without gaps: the position in the chain. int8 comes back as a string. */
  seq: ColumnType<string, string | number, never>;
  occurred_at: ColumnType<Date, Date, never>;
  actor_kind: string;
  actor_id: string;
  action: string;
  subject_kind: string | null;
  subject_id: string | null;
  details: ColumnType<Record<string, unknown> | null, string | null, never>;
  request_id: string | null;
  /** Hash of the previous entry (64 zeros before the first), lowercase hex. */
  prev_hash: string;
  /** SM3(prev hash ‖ canonical JSON of this entry), lowercase hex. */
  hash: string;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

export interface AuditTables {
  audit_log: AuditLogTable;
}
