/**
 * Child process for the queue's kill-and-resume test: opens the node's database, starts working
 * `test.resumable`, writes `<marker>.started` when it picks the job up, then hangs until killed.
 */
import fs from 'node:fs';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { createJobQueue } from '../jobs/job-queue.js';
import { createLogger } from '../lib/logger.js';
import { resumableJob } from './test-jobs.js';

const config = loadConfig();
const database = await openDatabase(config.database, { command: 'job-worker-child' });
await migrateToLatest(database.db);
const queue = await createJobQueue(database, {
  logger: createLogger('silent'),
  pollingIntervalSeconds: 0.5,
  supervise: false,
});
await queue.work([
  resumableJob(async (payload) => {
    fs.writeFileSync(`${payload.marker}.started`, String(process.pid));
    await new Promise(() => {}); // hang: the test kills this process mid-job
  }),
]);
process.stdout.write('ready\n');
