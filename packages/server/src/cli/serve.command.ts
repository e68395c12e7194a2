/** `ehc serve`: run the server (the same as `npm start`), with optional host and port overrides. */
import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { action, printLine } from './output.js';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('start the platform server (HTTP API, admin API, job worker)')
    .option('--host <host>', 'listen address (overrides EHC_HOST)')
    .option('--port <port>', 'listen port (overrides EHC_PORT)')
    .action(
      action(async (options: { host?: string; port?: string }) => {
        const config = loadConfig({
          ...process.env,
          ...(options.host ? { EHC_HOST: options.host } : {}),
          ...(options.port ? { EHC_PORT: options.port } : {}),
        });
        // Loaded on use, so that light commands start fast.
        const { createLogger } = await import('../lib/logger.js');
        const { startServer } = await import('../server.js');
        const logger = createLogger(config.logLevel);
        const server = await startServer(config, logger, printLine);
        await new Promise<void>((resolve) => {
          const stop = () => resolve();
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
        await server.close();
      }),
    );
}
