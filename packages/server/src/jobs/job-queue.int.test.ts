import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { createLogger } from '../lib/logger.js';
import { BACKENDS, createTestEnvironment, type TestEnvironment } from '../testing/test-backends.js';
import { resumableJob } from '../testing/test-jobs.js';
import { createJobQueue, defineJob, type JobDefinition, type JobQueue, type JobStatus } from './job-queue.js';

const logger = createLogger('silent');

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function waitForState(
  queue: JobQueue,
  job: JobDefinition<object>,
  id: string,
  state: JobStatus['state'],
) {
  return waitFor(`job ${id} to be ${state}`, async () => {
    const status = await queue.status(job, id);
    return status?.state === state ? status : undefined;
  });
}

describe.each(BACKENDS)('job queue on %s', (backend) => {
  let environment: TestEnvironment;
  let database: DatabaseHandle | undefined;
  let queue: JobQueue | undefined;

  const open = async () => {
    database = await openDatabase(environment.config.database, { command: 'job-queue test' });
    await migrateToLatest(database.db);
    queue = await createJobQueue(database, {
      logger,
      pollingIntervalSeconds: 0.5,
      maintenanceIntervalSeconds: 1,
    });
    return queue;
  };
  const close = async () => {
    await queue?.stop();
    await database?.close();
    queue = undefined;
    database = undefined;
  };

  beforeEach(async () => {
    environment = await createTestEnvironment(backend);
  });
  afterEach(async () => {
    await close();
    await environment.cleanup();
  });

  it('runs an enqueued job with its payload', async () => {
    const q = await open();
    const seen: string[] = [];
    const job = defineJob<{ cardId: string }>({
      name: 'test.echo',
      async run(payload) {
        seen.push(payload.cardId);
      },
    });
    await q.work([job]);
    const id = await q.send(job, { cardId: 'card-1' });
    await waitForState(q, job, id, 'completed');
    expect(seen).toEqual(['card-1']);
  });

  it('retries a failing job until it succeeds', async () => {
    const q = await open();
    const attempts: number[] = [];
    const job = defineJob<{ n: number }>({
      name: 'test.flaky',
      retryLimit: 3,
      retryDelaySeconds: 0,
      retryBackoff: false,
      async run(_payload, context) {
        attempts.push(context.retryCount);
        if (context.retryCount < 2) throw new Error('transient failure');
      },
    });
    await q.work([job]);
    const id = await q.send(job, { n: 1 });
    const status = await waitForState(q, job, id, 'completed');
    expect(attempts).toEqual([0, 1, 2]);
    expect(status.retryCount).toBe(2);
    expect(q.counters.failed).toBe(2);
  });

  it('gives up after the retry limit and marks the job failed', async () => {
    const q = await open();
    const job = defineJob<{ n: number }>({
      name: 'test.broken',
      retryLimit: 1,
      retryDelaySeconds: 0,
      async run() {
        throw new Error('permanent failure');
      },
    });
    await q.work([job]);
    const id = await q.send(job, { n: 1 });
    const status = await waitForState(q, job, id, 'failed');
    expect(status.retryCount).toBe(1);
  });

  it('enqueues inside a transaction: rolled back, the job never existed', async () => {
    const q = await open();
    const job = defineJob<{ n: number }>({ name: 'test.transactional', async run() {} });
    await q.register(job);
    let rolledBackId: string | undefined;
    await database!.db
      .transaction()
      .execute(async (trx) => {
        rolledBackId = await q.send(job, { n: 1 }, { transaction: trx });
        throw new Error('roll back');
      })
      .catch(() => undefined);
    expect(rolledBackId).toBeDefined();
    expect(await q.status(job, rolledBackId!)).toBeUndefined();
    let committedId: string | undefined;
    await database!.db.transaction().execute(async (trx) => {
      committedId = await q.send(job, { n: 2 }, { transaction: trx });
    });
    expect((await q.status(job, committedId!))?.state).toBe('created');
  });

  it('keeps queued jobs across a restart and finishes a job whose worker process was killed', async () => {
    const marker = path.join(environment.dataDir, 'job-marker');
    let q = await open();
    const id = await q.send(
      resumableJob(async () => {}),
      { marker },
    );
    await close();

    // A worker in another process picks the job up and is killed with SIGKILL mid-job.
    const child = spawn(
      process.execPath,
      [
        '--conditions=source',
        '--import',
        'tsx',
        fileURLToPath(new URL('../testing/job-worker-child.ts', import.meta.url)),
      ],
      { env: { ...process.env, ...environment.env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let childOutput = '';
    child.stdout.on('data', (chunk) => (childOutput += chunk));
    child.stderr.on('data', (chunk) => (childOutput += chunk));
    const exited = new Promise((resolve) => child.on('exit', resolve));
    await waitFor(
      `the child to start the job (${childOutput})`,
      async () => (fs.existsSync(`${marker}.started`) ? true : undefined),
      60_000,
    );
    child.kill('SIGKILL');
    await exited;

    // Restarted: the job was left active; it expires, is retried, and completes here.
    const completions: number[] = [];
    q = await open();
    await q.work([
      resumableJob(async (_payload, context) => {
        completions.push(context.retryCount);
      }),
    ]);
    const status = await waitForState(
      q,
      resumableJob(async () => {}),
      id,
      'completed',
    );
    expect(completions).toEqual([1]);
    expect(status.retryCount).toBe(1);
  });
});
