/**
 * Opening a node's state: database (with the embedded directory's lock), schema, cipher machine
 * and operator token. Shared by the server and by every CLI command that touches data, so they
 * behave the same: the embedded database migrates itself and gets development keys on first use;
 * PostgreSQL must be migrated (`ehc db migrate`) and keyed (`ehc keys init`) on purpose.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { openCipherMachine } from './cipher/keys.service.js';
import type { SoftwareCipherMachine } from './cipher/software-cipher-machine.js';
import type { Config } from './config.js';
import { type DatabaseHandle, openDatabase } from './db/database.js';
import { getMigrationStatus, migrateToLatest } from './db/migrate.js';
import { AppError } from './lib/errors.js';

export interface NodeRuntime {
  database: DatabaseHandle;
  cipher: SoftwareCipherMachine;
  /** Migrations applied while opening (embedded database only). */
  migrationsApplied: string[];
  createdDevelopmentKeys: boolean;
  operatorToken: string | undefined;
  /** Where the generated operator token is kept (embedded quick start), if it was generated. */
  operatorTokenFile: string | undefined;
  close(): Promise<void>;
}

export const OPERATOR_TOKEN_FILE = 'operator-token';

export async function openNodeRuntime(
  config: Config,
  options: { command: string; logger?: Logger },
): Promise<NodeRuntime> {
  const database = await openDatabase(config.database, {
    command: options.command,
    onIdleConnectionError: (error) =>
      options.logger?.warn({ err: error }, 'an idle database connection was lost'),
    // EHC_LOG_LEVEL=trace logs every query with its duration (parameters are never logged).
    ...(options.logger?.isLevelEnabled('trace')
      ? { onQuery: (sql: string, durationMs: number) => options.logger?.trace({ sql, durationMs }, 'query') }
      : {}),
  });
  try {
    let migrationsApplied: string[] = [];
    if (database.kind === 'pglite') {
      migrationsApplied = await migrateToLatest(database.db);
    } else {
      const status = await getMigrationStatus(database.db);
      if (status.pending.length > 0) {
        throw new AppError(
          'MIGRATIONS_PENDING',
          `the database schema is not current (pending: ${status.pending.join(', ')}); run \`ehc db migrate\``,
        );
      }
    }
    const { machine, createdDevelopmentKeys } = await openCipherMachine(database.db, config);
    const token = resolveOperatorToken(config);
    return {
      database,
      cipher: machine,
      migrationsApplied,
      createdDevelopmentKeys,
      operatorToken: token.token,
      operatorTokenFile: token.file,
      close: () => database.close(),
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}

/**
 * EHC_OPERATOR_TOKEN, or on the embedded database a token generated into the data directory
 * (readable by this user only) so the CLI on the same machine can reach the admin API.
 */
export function resolveOperatorToken(config: Config): {
  token: string | undefined;
  file: string | undefined;
} {
  if (config.operatorToken) return { token: config.operatorToken, file: undefined };
  if (config.database.kind === 'postgres') return { token: undefined, file: undefined };
  const file = path.join(config.dataDir, OPERATOR_TOKEN_FILE);
  fs.mkdirSync(config.dataDir, { recursive: true });
  try {
    fs.writeFileSync(file, `${randomBytes(24).toString('base64url')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return { token: fs.readFileSync(file, 'utf8').trim(), file };
}
