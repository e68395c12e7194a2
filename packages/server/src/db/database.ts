/**
 * Opens the platform database: PostgreSQL when EHC_DATABASE_URL is set, otherwise embedded PGlite
 * in the data directory (taking the directory's single-writer lock). Both sit behind Kysely with
 * the same schema; `executeSql` serves the job queue, which sends its own SQL.
 */
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { Kysely, type LogEvent, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { DatabaseConfig } from '../config.js';
import { acquireDataDirLock, type DataDirLock } from './lock.js';
import { Mutex } from './mutex.js';
import { PgliteDialect } from './pglite-dialect.js';
import type { Database } from './schema.js';

export interface SqlResult {
  rows: Record<string, unknown>[];
}

export interface DatabaseHandle {
  readonly kind: DatabaseConfig['kind'];
  readonly db: Kysely<Database>;
  /**
   * Runs SQL outside Kysely. Without values the text may hold several statements (the job
   * queue's schema scripts); with values it is one parameterised statement.
   */
  executeSql(text: string, values?: readonly unknown[]): Promise<SqlResult>;
  /** The single-writer lock of an embedded directory (undefined on PostgreSQL). */
  readonly lock: DataDirLock | undefined;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** What holds the embedded directory, shown to a second process that tries to open it. */
  command: string;
  /** Told about errors of idle PostgreSQL connections (e.g. the server restarted). */
  onIdleConnectionError?: (error: Error) => void;
  /** Told about every query with its duration (trace logging, diagnosing slow paths). */
  onQuery?: (sql: string, durationMs: number) => void;
}

function queryLogger(options: OpenDatabaseOptions) {
  const onQuery = options.onQuery;
  if (!onQuery) return undefined;
  return (event: LogEvent) => onQuery(event.query.sql, event.queryDurationMillis);
}

export async function openDatabase(
  config: DatabaseConfig,
  options: OpenDatabaseOptions,
): Promise<DatabaseHandle> {
  return config.kind === 'postgres'
    ? openPostgres(config.url, config.poolSize, options)
    : openPglite(config.dataDir, options);
}

// int8 and numeric stay strings on both back ends (pg's default), so no silent precision loss;
// date stays 'YYYY-MM-DD' text, because a Date at local midnight shifts with the time zone.
const keepText = (value: string) => value;
const PG_DATE_OID = 1082;

async function openPglite(dataDir: string, options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  const lock = acquireDataDirLock(dataDir, options.command);
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(dataDir, {
      parsers: {
        [pgliteTypes.INT8]: keepText,
        [pgliteTypes.NUMERIC]: keepText,
        [pgliteTypes.DATE]: keepText,
      },
    });
  } catch (error) {
    lock.release();
    throw error;
  }
  const mutex = new Mutex();
  const db = new Kysely<Database>({ dialect: new PgliteDialect(pglite, mutex), log: queryLogger(options) });
  let closed = false;
  return {
    kind: 'pglite',
    db,
    lock,
    async executeSql(text, values) {
      return mutex.run(async () => {
        if (values === undefined || values.length === 0) {
          const results = await pglite.exec(text);
          return { rows: (results.at(-1)?.rows ?? []) as Record<string, unknown>[] };
        }
        const result = await pglite.query<Record<string, unknown>>(text, [...values]);
        return { rows: result.rows };
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
      // Wait for any statement in flight before closing the engine.
      await mutex.run(() => pglite.close());
      lock.release();
    },
  };
}

async function openPostgres(
  url: string,
  poolSize: number,
  options: OpenDatabaseOptions,
): Promise<DatabaseHandle> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    application_name: 'ehc',
    types: {
      getTypeParser: (oid, format) => (oid === PG_DATE_OID ? keepText : pg.types.getTypeParser(oid, format)),
    },
  });
  // An idle connection that the server drops must not crash the process; the pool replaces it.
  pool.on('error', (error) => options.onIdleConnectionError?.(error));
  // Fail at open, with the server's own message, rather than on the first request.
  const client = await pool.connect().catch(async (error: unknown) => {
    await pool.end();
    throw error;
  });
  client.release();
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: queryLogger(options) });
  let closed = false;
  return {
    kind: 'postgres',
    db,
    lock: undefined,
    async executeSql(text, values) {
      const result = await pool.query(text, values === undefined ? undefined : [...values]);
      // A multi-statement text returns one result per statement; the caller wants the last.
      const last = Array.isArray(result) ? result.at(-1) : result;
      return { rows: (last?.rows ?? []) as Record<string, unknown>[] };
    },
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy(); // ends the pool
    },
  };
}
