/**
 * Every job the worker runs. A domain adds its `<domain>.jobs.ts` definitions here, so one grep
 * finds what a worker process does.
 */
import type { JobDefinition } from './job-queue.js';

export const ALL_JOBS: readonly JobDefinition<object>[] = [];
