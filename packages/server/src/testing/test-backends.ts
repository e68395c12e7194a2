/**
 * Integration tests run on every back end: embedded PGlite always, PostgreSQL when
 * EHC_TEST_DATABASE_URL is set (CI sets it). Each test gets its own data directory or its own
 * freshly created PostgreSQL database, so tests never see each other's rows.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { type Config, loadConfig } from '../config.js';

export type Backend = 'pglite' | 'postgres';

export const BACKENDS: readonly Backend[] = process.env['EHC_TEST_DATABASE_URL']
  ? ['pglite', 'postgres']
  : ['pglite'];

export interface TestEnvironment {
  backend: Backend;
  /** The EHC_* variables of this environment (for child processes). */
  env: Record<string, string>;
  config: Config;
  dataDir: string;
  cleanup(): Promise<void>;
}

/** A fresh, empty node environment on `backend`. */
export async function createTestEnvironment(
  backend: Backend,
  extraEnv: Record<string, string> = {},
): Promise<TestEnvironment> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ehc-test-'));
  const env: Record<string, string> = {
    EHC_DATA_DIR: dataDir,
    EHC_LOG_LEVEL: 'silent',
    EHC_PORT: '0',
    ...extraEnv,
  };
  let dropDatabase: (() => Promise<void>) | undefined;
  if (backend === 'postgres') {
    const adminUrl = process.env['EHC_TEST_DATABASE_URL'];
    if (!adminUrl) throw new Error('EHC_TEST_DATABASE_URL is not set');
    const name = `ehc_test_${randomBytes(6).toString('hex')}`;
    await withClient(adminUrl, (client) => client.query(`create database ${name}`));
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    env['EHC_DATABASE_URL'] = url.toString();
    env['EHC_MASTER_KEY'] ??= randomBytes(16).toString('hex');
    dropDatabase = () =>
      withClient(adminUrl, (client) => client.query(`drop database if exists ${name} with (force)`)).then(
        () => undefined,
      );
  }
  return {
    backend,
    env,
    config: loadConfig(env),
    dataDir,
    async cleanup() {
      await dropDatabase?.();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
