/** A built app on a fresh node (migrated, keyed) for the institutions and access tests. */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.js';
import { createLogger } from '../lib/logger.js';
import { type NodeRuntime, openNodeRuntime } from '../node-runtime.js';
import { type Backend, createTestEnvironment, type TestEnvironment } from './test-backends.js';

export const TEST_OPERATOR_TOKEN = 'test-operator-token-institutions-0123';

/** Parsed JSON of a response, read freely by tests. */
// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary response fields
export type TestJson = any;

export interface TestApp {
  environment: TestEnvironment;
  runtime: NodeRuntime;
  app: FastifyInstance;
  /** Calls the admin API with the operator token; returns status and parsed body. */
  admin(
    method: 'GET' | 'POST' | 'PATCH',
    url: string,
    body?: unknown,
  ): Promise<{ status: number; body: TestJson }>;
  close(): Promise<void>;
}

export async function createTestApp(
  backend: Backend,
  options: { beforeReady?: (app: FastifyInstance) => void } = {},
): Promise<TestApp> {
  const environment = await createTestEnvironment(backend, { EHC_OPERATOR_TOKEN: TEST_OPERATOR_TOKEN });
  if (backend === 'postgres') {
    const { openDatabase } = await import('../db/database.js');
    const { migrateToLatest } = await import('../db/migrate.js');
    const { initialiseKeys, resolveMasterKey } = await import('../cipher/keys.service.js');
    const database = await openDatabase(environment.config.database, { command: 'test' });
    await migrateToLatest(database.db);
    await initialiseKeys(database.db, resolveMasterKey(environment.config));
    await database.close();
  }
  const runtime = await openNodeRuntime(environment.config, { command: 'test' });
  const app = await buildApp(environment.config, {
    database: runtime.database,
    cipher: runtime.cipher,
    logger: createLogger('silent'),
    operatorToken: runtime.operatorToken,
  });
  options.beforeReady?.(app);
  await app.ready();
  return {
    environment,
    runtime,
    app,
    async admin(method, url, body) {
      const response = await app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${TEST_OPERATOR_TOKEN}` },
        ...(body === undefined ? {} : { payload: body as object }),
      });
      return { status: response.statusCode, body: response.json() };
    },
    async close() {
      await app.close();
      await runtime.close();
      await environment.cleanup();
    },
  };
}
