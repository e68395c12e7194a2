/** Captures log lines of a logger under test, as parsed JSON and raw text. */
import { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { createLogger } from '../lib/logger.js';

export function captureLogs(level = 'info'): { logger: Logger; text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk));
      callback();
    },
  });
  return { logger: createLogger(level, stream), text: () => chunks.join('') };
}
