/**
 * How data-changing commands reach a node's data: directly when they can open the database;
 * through the running server's admin API when that server holds the embedded directory.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.js';
import { type DatabaseHandle, openDatabase } from '../db/database.js';
import { type DataDirLockedError, readLockHolder } from '../db/lock.js';
import { getMigrationStatus, migrateToLatest } from '../db/migrate.js';
import { AppError } from '../lib/errors.js';
import { OPERATOR_TOKEN_FILE } from '../node-runtime.js';
import { CliError, notice } from './output.js';

/**
 * Opens the database for a command. The embedded database is migrated on the way (it is always
 * kept current); PostgreSQL must already be migrated unless `allowPending`.
 */
export async function openDatabaseForCommand(
  config: Config,
  command: string,
  options: { allowPending?: boolean } = {},
): Promise<DatabaseHandle> {
  const database = await openDatabase(config.database, { command });
  try {
    if (database.kind === 'pglite') {
      const applied = await migrateToLatest(database.db);
      if (applied.length > 0) notice(`applied migrations to the embedded database: ${applied.join(', ')}`);
    } else if (!options.allowPending) {
      const { pending } = await getMigrationStatus(database.db);
      if (pending.length > 0) throw new AppError('MIGRATIONS_PENDING');
    }
    return database;
  } catch (error) {
    await database.close();
    throw error;
  }
}

/** The running server holding this node's embedded directory, if any. */
export function runningServerOf(config: Config): { url: string } | undefined {
  if (config.database.kind !== 'pglite') return undefined;
  const holder = readLockHolder(config.database.dataDir);
  return holder?.url ? { url: holder.url } : undefined;
}

/** Calls the admin API of a running server with the operator token. */
export async function callAdminApi<T>(
  config: Config,
  baseUrl: string,
  method: string,
  apiPath: string,
  body?: unknown,
): Promise<T> {
  const token = config.operatorToken ?? readOperatorTokenFile(config);
  if (!token) {
    throw new CliError(
      'the server holds the data directory and no operator token is available; set EHC_OPERATOR_TOKEN',
    );
  }
  const response = await fetch(new URL(apiPath, baseUrl), {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  }).catch((error: unknown) => {
    throw new CliError(`cannot reach the running server at ${baseUrl}: ${(error as Error).message}`);
  });
  const payload = (await response.json().catch(() => ({}))) as { error?: { code: string; message: string } };
  if (!response.ok) {
    throw new CliError(
      `server ${baseUrl} answered ${response.status}: ${payload.error?.message ?? 'no details'} [${payload.error?.code ?? '?'}]`,
    );
  }
  return payload as T;
}

function readOperatorTokenFile(config: Config): string | undefined {
  try {
    return fs.readFileSync(path.join(config.dataDir, OPERATOR_TOKEN_FILE), 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Explains a locked directory for a command that cannot go through the server. */
export function lockedDirectoryError(error: DataDirLockedError, what: string): CliError {
  return new CliError(`${error.message}. ${what}`);
}
