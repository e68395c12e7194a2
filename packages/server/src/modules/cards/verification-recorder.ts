/**
 * Group commit for scan verification (the hottest path of the platform). Every verification must
 * leave a card-use record and an audit entry, committed before the holder data is returned.
 * Doing that as its own transaction per request costs four database round trips each; here the
 * verifications that arrive while a commit is in flight wait for the next one, and each commit
 * writes all of them with two multi-row inserts. Nothing is acknowledged before it is committed,
 * so a crash loses no acknowledged use; a failed commit fails every verification in it.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { AuditEntryInput, AuditLog } from '../audit/audit.types.js';
import type { CardUseInput, CardUseRecorder } from '../usage/usage.types.js';

interface Pending {
  use: CardUseInput;
  audit: AuditEntryInput;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface VerificationRecorder {
  /** Resolves once the use and the audit entry are committed. */
  record(use: CardUseInput, audit: AuditEntryInput): Promise<void>;
}

export function createVerificationRecorder(
  db: Kysely<Database>,
  usage: CardUseRecorder,
  auditLog: AuditLog,
  options: { maxBatch?: number; maxInFlight?: number } = {},
): VerificationRecorder {
  const maxBatch = options.maxBatch ?? 500;
  // Two commits in flight keep the database busy while the next batch gathers.
  const maxInFlight = options.maxInFlight ?? 2;
  let queue: Pending[] = [];
  let inFlight = 0;
  let scheduled = false;

  const flush = async () => {
    scheduled = false;
    while (queue.length > 0 && inFlight < maxInFlight) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      inFlight++;
      db.transaction()
        .execute(async (trx) => {
          await usage.recordBatch(
            trx,
            batch.map((item) => item.use),
          );
          await auditLog.appendMany(
            trx,
            batch.map((item) => item.audit),
          );
        })
        .then(
          () => {
            for (const item of batch) item.resolve();
          },
          (error: unknown) => {
            for (const item of batch) item.reject(error);
          },
        )
        .finally(() => {
          inFlight--;
          if (queue.length > 0) schedule();
        });
    }
  };

  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    // Let the requests of this turn of the event loop join the batch.
    setImmediate(() => {
      void flush();
    });
  };

  return {
    record(use, audit) {
      return new Promise<void>((resolve, reject) => {
        queue.push({ use, audit, resolve, reject });
        schedule();
      });
    },
  };
}
