/**
 * startServer: open the node, start the job worker and the HTTP app, listen. Used by main.ts
 * (`npm start`) and by `ehc serve`.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from './app.js';
import { type Config, describeDatabase } from './config.js';
import { createJobQueue, type JobQueue } from './jobs/job-queue.js';
import { ALL_JOBS } from './jobs/registry.js';
import { chainPendingAuditEntries, startAuditChainer } from './modules/audit/audit.service.js';
import { startCardUsePartitionMaintenance } from './modules/usage/usage.service.js';
import { openNodeRuntime } from './node-runtime.js';

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

export async function startServer(
  config: Config,
  logger: Logger,
  print: (line: string) => void,
): Promise<RunningServer> {
  const runtime = await openNodeRuntime(config, { command: 'ehc serve', logger });
  const partitions = startCardUsePartitionMaintenance(runtime.database.db, {
    onError: (error) =>
      logger.warn({ err: error }, 'could not create the card-use partitions of this or next month'),
  });
  let jobs: JobQueue | undefined;
  let auditChainer: { stop(): Promise<void> } | undefined;
  let app: FastifyInstance | undefined;
  try {
    jobs = await createJobQueue(runtime.database, { logger });
    auditChainer = startAuditChainer(runtime.database.db, {
      onError: (error) => logger.error({ err: error }, 'audit chainer failed; it retries'),
    });
    await jobs.work(ALL_JOBS);
    app = await buildApp(config, {
      database: runtime.database,
      cipher: runtime.cipher,
      logger,
      jobs,
      operatorToken: runtime.operatorToken,
    });
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await app?.close();
    await auditChainer?.stop();
    await jobs?.stop();
    await partitions.stop();
    await runtime.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  runtime.database.lock?.update({ url });

  print(`EHC ${describeDatabase(config.database)}`);
  if (runtime.migrationsApplied.length > 0)
    print(`applied migrations: ${runtime.migrationsApplied.join(', ')}`);
  if (runtime.cipher.development) {
    print(
      `${runtime.createdDevelopmentKeys ? 'created ' : ''}DEVELOPMENT KEYS in ${config.dataDir}: for trying the platform only, never for real cards. ` +
        'For production set EHC_MASTER_KEY and run `ehc keys init`.',
    );
  }
  if (runtime.operatorTokenFile) print(`operator token (admin API): in ${runtime.operatorTokenFile}`);
  print(`listening on ${url}  ·  API reference ${url}/docs  ·  health ${url}/healthz`);

  let closing: Promise<void> | undefined;
  return {
    app,
    url,
    close() {
      const running = app;
      const queue = jobs;
      closing ??= (async () => {
        await running?.close();
        // Link what the last requests appended before the database closes.
        await auditChainer?.stop();
        while ((await chainPendingAuditEntries(runtime.database.db).catch(() => 0)) > 0) {
          // drain
        }
        await queue?.stop();
        await partitions.stop();
        await runtime.close();
      })();
      return closing;
    },
  };
}
