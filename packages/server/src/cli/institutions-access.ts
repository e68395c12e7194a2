/**
 * How `ehc org` and `ehc app` reach the institutions service: through the running server's admin
 * API when it holds the embedded data directory, otherwise directly on the database.
 */
import type { Config } from '../config.js';
import type { InstitutionsService } from '../modules/institutions/institutions.service.js';
import { CliError, notice } from './output.js';

type AdminCall = <T>(method: string, path: string, body?: unknown) => Promise<T>;

/** Runs `viaServer` against a running server, or `direct` on the opened database. */
export async function withInstitutions<T>(
  config: Config,
  command: string,
  viaServer: (call: AdminCall) => Promise<T>,
  direct: (service: InstitutionsService) => Promise<T>,
): Promise<T> {
  const { callAdminApi, openDatabaseForCommand, runningServerOf } = await import('./node-access.js');
  const server = runningServerOf(config);
  if (server) {
    return viaServer((method, path, body) => callAdminApi(config, server.url, method, path, body));
  }
  const { DataDirLockedError } = await import('../db/lock.js');
  const database = await openDatabaseForCommand(config, command).catch((error: unknown) => {
    if (error instanceof DataDirLockedError) {
      throw new CliError(
        `${error.message}. No server URL is recorded in the lock, so the command cannot go through it.`,
      );
    }
    throw error;
  });
  try {
    const { openCipherMachine } = await import('../cipher/keys.service.js');
    const { machine, createdDevelopmentKeys } = await openCipherMachine(database.db, config);
    if (createdDevelopmentKeys) notice('no keys yet: created development keys');
    const { createInstitutionsService } = await import('../modules/institutions/institutions.service.js');
    return await direct(createInstitutionsService({ database, cipher: machine }));
  } finally {
    await database.close();
  }
}
