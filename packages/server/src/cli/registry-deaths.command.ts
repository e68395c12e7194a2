/** `ehc registry deaths`: record deaths from the civil registry and cancel those persons' cards. */
import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { maskSensitiveText } from '../lib/mask.js';
import type { DeathsImportSummary } from '../modules/cards/registry-deaths.js';
import { action, CliError, notice, printJson, printLine } from './output.js';

/** Adds `deaths` to the `registry` command group. */
export function registerRegistryDeathsCommand(registry: Command): void {
  registry
    .command('deaths')
    .description(
      'record deaths from a CSV file with the header id_type,id_no,deceased_on: marks them in the population registry ' +
        "and cancels their live cards with the reason 'deceased'; re-running is safe (also after a kill), " +
        'exits 1 when a row was rejected (the others are applied)',
    )
    .argument('<file>', 'CSV file, UTF-8')
    .option('--json', 'print the summary as JSON')
    .option('--progress', 'report progress on stderr after each chunk')
    .option('--chunk-size <rows>', 'rows per transaction', '500')
    .action(
      action(async (file: string, options: { json?: boolean; progress?: boolean; chunkSize: string }) => {
        const chunkSize = Number(options.chunkSize);
        if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > 1000) {
          throw new CliError('--chunk-size must be an integer from 1 to 1000');
        }
        const summary = await applyDeathsFile(loadConfig(), file, chunkSize, options.progress === true);
        if (options.json) printJson({ file, ...summary });
        else {
          printLine(
            `recorded deaths from ${file}: ${summary.rows} rows, ${summary.marked} marked, ` +
              `${summary.unchanged} unchanged, ${summary.notInRegistry} not in the registry, ` +
              `${summary.cardsCancelled} cards cancelled, ${summary.rejected} rejected`,
          );
          for (const rejection of summary.rejections)
            printLine(`  row ${rejection.row}: ${rejection.reason}`);
          if (summary.rejected > summary.rejections.length) {
            printLine(`  … and ${summary.rejected - summary.rejections.length} more rejected rows`);
          }
        }
        if (summary.rejected > 0) process.exitCode = 1;
      }),
    );
}

async function applyDeathsFile(
  config: ReturnType<typeof loadConfig>,
  file: string,
  chunkSize: number,
  progress: boolean,
): Promise<DeathsImportSummary> {
  const [{ openDatabaseForCommand, lockedDirectoryError }, { DataDirLockedError }, keys, cards, deaths] =
    await Promise.all([
      import('./node-access.js'),
      import('../db/lock.js'),
      import('../cipher/keys.service.js'),
      import('../modules/cards/cards.module.js'),
      import('../modules/cards/registry-deaths.js'),
    ]);
  const database = await openDatabaseForCommand(config, 'ehc registry deaths').catch((error: unknown) => {
    if (error instanceof DataDirLockedError) {
      throw lockedDirectoryError(
        error,
        'Stop the server to record deaths, or use POST /api/admin/registry/deaths.',
      );
    }
    throw error;
  });
  try {
    const { machine, createdDevelopmentKeys } = await keys.openCipherMachine(database.db, config);
    if (createdDevelopmentKeys) notice('no keys yet: created development keys');
    const service = await cards.createCardsModule({ database, cipher: machine, config });
    const summary = await deaths
      .importDeathsFile(service, { kind: 'operator', id: 'cli' }, file, {
        chunkSize,
        ...(progress
          ? { onChunk: (s) => notice(`progress: ${s.rows} rows read, ${s.cardsCancelled} cards cancelled`) }
          : {}),
      })
      .catch((error: unknown) => {
        if (error instanceof deaths.DeathsFileError) throw new CliError(error.message);
        throw error;
      });
    return {
      ...summary,
      rejections: summary.rejections.map((r) => ({ row: r.row, reason: maskSensitiveText(r.reason) })),
    };
  } finally {
    await database.close();
  }
}
