/**
 * The job queue: pg-boss on whichever database the platform runs on, PGlite included (pg-boss
 * talks to it through DatabaseHandle.executeSql). Each job is a JobDefinition with a plain `run`
 * function that tests call without the queue; payloads carry ids and the job re-reads state.
 * A job enqueued with `transaction` commits or rolls back with the caller's writes.
 */
import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { DatabaseHandle } from '../db/database.js';
import type { Database } from '../db/schema.js';

export interface JobContext {
  jobId: string;
  /** How many times this job failed before this attempt. */
  retryCount: number;
  logger: Logger;
}

export interface JobDefinition<Payload extends object> {
  /** Queue name: `<domain>.<action>`, e.g. `imports.legacy-cards`. */
  readonly name: string;
  /** Attempts after the first one; default 3. */
  readonly retryLimit?: number;
  readonly retryDelaySeconds?: number;
  readonly retryBackoff?: boolean;
  /** A running job not finished after this long counts as failed (e.g. its process died) and is retried. */
  readonly expireInSeconds?: number;
  run(payload: Payload, context: JobContext): Promise<void>;
}

/** Declares a job; the identity function exists for type inference. */
export function defineJob<Payload extends object>(
  definition: JobDefinition<Payload>,
): JobDefinition<Payload> {
  return definition;
}

export type JobState = 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed';

export interface JobStatus {
  id: string;
  state: JobState;
  retryCount: number;
  output: unknown;
}

export interface SendOptions {
  /** Enqueue inside this transaction: the job exists only if the transaction commits. */
  transaction?: Transaction<Database> | Kysely<Database>;
  /** At most one queued job with this key at a time. */
  singletonKey?: string;
  startAfter?: Date;
}

export interface JobQueueOptions {
  logger: Logger;
  /** Run pg-boss maintenance (expiry of dead jobs, archiving) in this process; default true. */
  supervise?: boolean;
  maintenanceIntervalSeconds?: number;
  pollingIntervalSeconds?: number;
}

export interface JobQueue {
  /** Registers the queue for a job (idempotent); send and work call it as needed. */
  register(job: JobDefinition<object>): Promise<void>;
  send<Payload extends object>(
    job: JobDefinition<Payload>,
    payload: Payload,
    options?: SendOptions,
  ): Promise<string>;
  /** Starts processing jobs of these definitions in this process. */
  work(jobs: readonly JobDefinition<object>[], options?: { concurrency?: number }): Promise<void>;
  status(job: JobDefinition<object>, id: string): Promise<JobStatus | undefined>;
  /** Counters since start, for /metrics. */
  readonly counters: { completed: number; failed: number };
  stop(): Promise<void>;
}

export async function createJobQueue(handle: DatabaseHandle, options: JobQueueOptions): Promise<JobQueue> {
  const boss = new PgBoss({
    db: { executeSql: (text, values) => handle.executeSql(text, values) },
    schema: 'pgboss',
    supervise: options.supervise ?? true,
    schedule: false,
    maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 60,
  });
  boss.on('error', (error) => options.logger.error({ err: error }, 'job queue error'));
  await boss.start();

  const registered = new Set<string>();
  const counters = { completed: 0, failed: 0 };

  const register = async (job: JobDefinition<object>) => {
    if (registered.has(job.name)) return;
    const queue = {
      name: job.name,
      retryLimit: job.retryLimit ?? 3,
      retryDelay: job.retryDelaySeconds ?? 5,
      retryBackoff: job.retryBackoff ?? true,
      expireInSeconds: job.expireInSeconds ?? 15 * 60,
    };
    if (await boss.getQueue(job.name)) await boss.updateQueue(job.name, queue);
    else await boss.createQueue(job.name, queue);
    registered.add(job.name);
  };

  return {
    register,
    counters,
    async send(job, payload, sendOptions = {}) {
      await register(job as JobDefinition<object>);
      const trx = sendOptions.transaction;
      const id = await boss.send(job.name, payload, {
        ...(sendOptions.singletonKey ? { singletonKey: sendOptions.singletonKey } : {}),
        ...(sendOptions.startAfter ? { startAfter: sendOptions.startAfter } : {}),
        ...(trx
          ? {
              db: {
                executeSql: async (text: string, values: unknown[]) => {
                  const result = await trx.executeQuery(CompiledQuery.raw(text, values));
                  return { rows: result.rows as Record<string, unknown>[] };
                },
              },
            }
          : {}),
      });
      if (id === null) throw new Error(`job ${job.name} was not enqueued (a singleton is already queued)`);
      return id;
    },
    async work(jobs, workOptions = {}) {
      for (const job of jobs) {
        await register(job);
        const workers = workOptions.concurrency ?? 1;
        for (let i = 0; i < workers; i++) {
          await boss.work<object>(
            job.name,
            {
              pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2,
              batchSize: 1,
              includeMetadata: true,
            },
            async ([received]) => {
              if (!received) return;
              const logger = options.logger.child({ job: job.name, jobId: received.id });
              try {
                await job.run(received.data, { jobId: received.id, retryCount: received.retryCount, logger });
                counters.completed++;
              } catch (error) {
                counters.failed++;
                logger.warn({ err: error, retryCount: received.retryCount }, 'job attempt failed');
                throw error;
              }
            },
          );
        }
      }
    },
    async status(job, id) {
      const found = await boss.getJobById(job.name, id, { includeArchive: true });
      if (!found) return undefined;
      return {
        id: found.id,
        state: found.state as JobState,
        retryCount: found.retryCount,
        output: found.output,
      };
    },
    async stop() {
      await boss.stop({ graceful: true, wait: true, close: false, timeout: 10_000 });
    },
  };
}
