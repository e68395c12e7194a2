/** `ehc keys init` and `ehc keys show-public`: the cipher machine's keys. */
import fs from 'node:fs';
import type { NodePublicKeyResponse } from '@ehc/contract';
import { bytesToHex, hexToBytes, sm2PublicKeyToPem, sm3 } from '@ehc/gm';
import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { action, CliError, notice, printJson, printLine } from './output.js';

const DEVELOPMENT_NOTICE =
  'DEVELOPMENT KEYS: created under the development master key in the data directory; for trying the platform only. ' +
  'For production set EHC_MASTER_KEY and run `ehc keys init` on a fresh database.';

export function registerKeysCommands(program: Command): void {
  const keys = program.command('keys').description("the cipher machine's keys (应用密码机)");

  keys
    .command('init')
    .description(
      'create the security, protection, data and node SM2 keys, stored encrypted under EHC_MASTER_KEY',
    )
    .option(
      '--security-key-file <path>',
      'import the national shared security key (32 hex characters) from this file',
    )
    .option('--json', 'print what was created as JSON')
    .action(
      action(async (options: { securityKeyFile?: string; json?: boolean }) => {
        const config = loadConfig();
        let securityKey: Uint8Array | undefined;
        if (options.securityKeyFile) {
          const text = readFileOrFail(options.securityKeyFile, 'security key').toString('utf8').trim();
          if (!/^[0-9a-fA-F]{32}$/.test(text)) {
            throw new CliError(
              `${options.securityKeyFile} must hold exactly 32 hexadecimal characters (a 16-byte SM4 key)`,
            );
          }
          securityKey = hexToBytes(text);
        }
        const { openDatabaseForCommand, DataDirLockedError, initialiseKeys, resolveMasterKey } =
          await loadNodeModules();
        const database = await openDatabaseForCommand(config, 'ehc keys init').catch((error: unknown) => {
          if (error instanceof DataDirLockedError) {
            throw new CliError(
              `${error.message}. The running server already has keys; stop it to initialise keys on a fresh data directory.`,
            );
          }
          throw error;
        });
        try {
          const master = resolveMasterKey(config);
          const summary = await initialiseKeys(database.db, master, securityKey ? { securityKey } : {});
          const publicKey = hexToBytes(summary.nodePublicKey);
          if (options.json) {
            printJson({
              ...summary,
              nodePublicKeyPem: sm2PublicKeyToPem(publicKey),
              fingerprint: bytesToHex(sm3(publicKey)),
            });
          } else {
            for (const key of summary.keys)
              printLine(`created ${key.kind} key v${key.version} (${key.origin})`);
            printLine(`node SM2 public key: ${summary.nodePublicKey}`);
          }
          if (summary.development) notice(DEVELOPMENT_NOTICE);
        } finally {
          await database.close();
        }
      }),
    );

  keys
    .command('show-public')
    .description("print the node's SM2 public key (hex, PEM and SM3 fingerprint)")
    .option('--pem', 'print only the PEM')
    .option('--json', 'print as JSON')
    .action(
      action(async (options: { pem?: boolean; json?: boolean }) => {
        const config = loadConfig();
        const key = await readNodePublicKey(config);
        if (options.json) printJson(key);
        else if (options.pem) process.stdout.write(key.publicKeyPem);
        else {
          printLine(`algorithm:   SM2`);
          printLine(`public key:  ${key.publicKeyHex}`);
          printLine(`fingerprint: ${key.fingerprint} (SM3)`);
          process.stdout.write(key.publicKeyPem);
        }
        if (key.development) notice(DEVELOPMENT_NOTICE);
      }),
    );
}

async function readNodePublicKey(config: ReturnType<typeof loadConfig>): Promise<NodePublicKeyResponse> {
  const { callAdminApi, openDatabaseForCommand, runningServerOf, openCipherMachine } =
    await loadNodeModules();
  const server = runningServerOf(config);
  if (server) return callAdminApi<NodePublicKeyResponse>(config, server.url, 'GET', '/api/admin/keys/public');
  const database = await openDatabaseForCommand(config, 'ehc keys show-public');
  try {
    const { machine, createdDevelopmentKeys } = await openCipherMachine(database.db, config);
    if (createdDevelopmentKeys) notice('no keys yet: created development keys');
    const { describeNodePublicKey } = await import('../modules/system/system.service.js');
    return describeNodePublicKey(machine);
  } finally {
    await database.close();
  }
}

export function readFileOrFail(file: string, what: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    throw new CliError(
      `cannot read the ${what} file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}

/** Database and key modules, loaded on use so that light commands start fast. */
async function loadNodeModules() {
  const [access, lock, keys] = await Promise.all([
    import('./node-access.js'),
    import('../db/lock.js'),
    import('../cipher/keys.service.js'),
  ]);
  return { ...access, ...lock, ...keys };
}
