/** Job definitions used by the queue's integration tests (in the test process and a child process). */
import { defineJob, type JobContext } from '../jobs/job-queue.js';

export interface MarkerPayload {
  marker: string;
}

/** A job whose behaviour the test supplies; queue options are fixed so both processes agree. */
export function resumableJob(run: (payload: MarkerPayload, context: JobContext) => Promise<void>) {
  return defineJob<MarkerPayload>({
    name: 'test.resumable',
    retryLimit: 3,
    retryDelaySeconds: 0,
    retryBackoff: false,
    expireInSeconds: 2,
    run,
  });
}
