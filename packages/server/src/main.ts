/**
 * `npm start`: configuration from the environment, then the server until SIGINT or SIGTERM.
 * On a machine with nothing set up this runs the embedded database in ./data with development
 * keys, and prints where to go.
 */
import { ConfigError, loadConfig } from './config.js';
import { isAppError } from './lib/errors.js';
import { createLogger } from './lib/logger.js';
import { startServer } from './server.js';

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`ehc: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const server = await startServer(config, logger, (line) => process.stdout.write(`${line}\n`)).catch(
    (error: unknown) => {
      process.stderr.write(
        `ehc: cannot start: ${isAppError(error) ? error.message : (error as Error).message}\n`,
      );
      process.exit(1);
    },
  );
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

await main();
