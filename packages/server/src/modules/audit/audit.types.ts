/**
 * The audit log (C4, 追踪溯源与安全审计): every registration, change, verification, read of
 * personal data and admin action is appended, chained with SM3. These types are the seam other
 * modules use; modules/audit implements them.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';

export type DbExecutor = Kysely<Database> | Transaction<Database>;

export interface AuditActor {
  kind: 'app' | 'operator' | 'system' | 'resident' | 'staff';
  /** app_id, operator name, account id… never a personal identifier. */
  id: string;
}

export interface AuditEntryInput {
  actor: AuditActor;
  /** `<domain>.<verb>`, e.g. `card.register`, `card.verify`, `resident.read`, `org.add`. */
  action: string;
  subject?: { kind: string; id: string };
  /** Structured context; personal identifiers only masked. */
  details?: Record<string, unknown>;
  requestId?: string;
}

export interface AuditLog {
  /** Appends in the caller's transaction, so the entry exists exactly when the change does. */
  append(executor: DbExecutor, entry: AuditEntryInput): Promise<void>;
  /** Appends several entries with one statement, in order (group commit of hot paths). */
  appendMany(executor: DbExecutor, entries: readonly AuditEntryInput[]): Promise<void>;
}
