/**
 * Single use of request nonces (signed REST) and digests (gateway) within their time window,
 * shared by every server process through the `request_nonces` table's primary key.
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.js';

const CLEANUP_INTERVAL_MS = 60_000;

export interface NonceStore {
  /** True the first time (kind, appId, nonce) is seen before `expiresAt`; false for a replay. */
  consume(kind: 'rest' | 'gateway', appId: string, nonce: string, expiresAt: Date): Promise<boolean>;
}

export function createNonceStore(db: Kysely<Database>): NonceStore {
  let lastCleanup = 0;
  return {
    async consume(kind, appId, nonce, expiresAt) {
      if (Date.now() - lastCleanup > CLEANUP_INTERVAL_MS) {
        lastCleanup = Date.now();
        await db.deleteFrom('request_nonces').where('expires_at', '<', sql<Date>`now()`).execute();
      }
      // An expired row that cleanup has not removed yet is taken over, atomically.
      const row = await db
        .insertInto('request_nonces')
        .values({ kind, app_id: appId, nonce, expires_at: expiresAt })
        .onConflict((oc) =>
          oc
            .columns(['kind', 'app_id', 'nonce'])
            .doUpdateSet({ expires_at: expiresAt, updated_at: sql`now()` })
            .where('request_nonces.expires_at', '<', sql<Date>`now()`),
        )
        .returning('nonce')
        .executeTakeFirst();
      return row !== undefined;
    },
  };
}
