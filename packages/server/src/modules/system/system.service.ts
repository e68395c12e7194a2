/** Health, readiness and node information. */
import type { NodePublicKeyResponse, ReadinessResponse, SystemInfoResponse } from '@ehc/contract';
import { sql } from 'kysely';
import type { CipherMachine } from '../../cipher/cipher-machine.js';
import type { DatabaseHandle } from '../../db/database.js';
import { getMigrationStatus } from '../../db/migrate.js';

export interface SystemServiceDeps {
  database: DatabaseHandle;
  cipher: CipherMachine;
  version: string;
}

export function createSystemService({ database, cipher, version }: SystemServiceDeps) {
  return {
    /** Ready when the database answers, the schema is current and the cipher machine responds. */
    async readiness(): Promise<ReadinessResponse> {
      const checks: ReadinessResponse['checks'] = {
        database: { ok: false },
        migrations: { ok: false, applied: 0, pending: [] },
        keys: { ok: false },
      };
      try {
        await sql`select 1`.execute(database.db);
        checks.database = { ok: true };
        const status = await getMigrationStatus(database.db);
        checks.migrations = {
          ok: status.pending.length === 0,
          applied: status.applied.length,
          pending: status.pending,
        };
      } catch (error) {
        checks.database = { ok: false, message: (error as Error).message };
      }
      try {
        await cipher.nodePublicKey();
        checks.keys = { ok: true };
      } catch (error) {
        checks.keys = { ok: false, message: (error as Error).message };
      }
      const ready = checks.database.ok && checks.migrations.ok && checks.keys.ok;
      return { status: ready ? 'ready' : 'unavailable', checks };
    },

    info(): SystemInfoResponse {
      return { name: 'EHC', version, database: database.kind, developmentKeys: cipher.development };
    },

    nodePublicKey(): Promise<NodePublicKeyResponse> {
      return describeNodePublicKey(cipher);
    },
  };
}

export type SystemService = ReturnType<typeof createSystemService>;

/** The node's public key as the admin API and `ehc keys show-public` present it. */
export async function describeNodePublicKey(cipher: CipherMachine): Promise<NodePublicKeyResponse> {
  const key = await cipher.nodePublicKey();
  return {
    algorithm: 'SM2',
    publicKeyHex: key.hex,
    publicKeyPem: key.pem,
    fingerprint: key.fingerprint,
    development: cipher.development,
  };
}
