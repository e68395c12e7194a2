/** `ehc registry import`: load the population registry (人口库) that real-name verification reads. */
import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { maskSensitiveText } from '../lib/mask.js';
import type { RegistryImportSummary } from '../modules/identity/registry-import.js';
import { action, CliError, notice, printJson, printLine } from './output.js';

/** Registers the `registry` command group and returns it, so other registry commands can join it. */
export function registerRegistryCommands(program: Command): Command {
  const registry = program
    .command('registry')
    .description('the population registry (人口库) used for real-name verification');

  registry
    .command('import')
    .description(
      'load people from a CSV file with the header id_type,id_no,name,gender,birthday,nation,address,region,deceased_on; ' +
        'upserts by ID document (re-running is safe), exits 1 when a row was rejected (the others are imported)',
    )
    .argument('<file>', 'CSV file, UTF-8')
    .option('--json', 'print the summary as JSON')
    .option('--progress', 'report progress on stderr after each chunk')
    .option('--chunk-size <rows>', 'rows per transaction', '500')
    .action(
      action(async (file: string, options: { json?: boolean; progress?: boolean; chunkSize: string }) => {
        const chunkSize = Number(options.chunkSize);
        if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > 5000) {
          throw new CliError('--chunk-size must be an integer from 1 to 5000');
        }
        const config = loadConfig();
        const summary = await importFile(config, file, chunkSize, options.progress === true);
        if (options.json) printJson({ file, ...summary });
        else {
          printLine(
            `imported ${file}: ${summary.rows} rows, ${summary.inserted} inserted, ${summary.updated} updated, ` +
              `${summary.unchanged} unchanged, ${summary.rejected} rejected`,
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
  return registry;
}

async function importFile(
  config: ReturnType<typeof loadConfig>,
  file: string,
  chunkSize: number,
  progress: boolean,
): Promise<RegistryImportSummary> {
  const [
    { openDatabaseForCommand, lockedDirectoryError },
    { DataDirLockedError },
    keys,
    personalData,
    registry,
  ] = await Promise.all([
    import('./node-access.js'),
    import('../db/lock.js'),
    import('../cipher/keys.service.js'),
    import('../modules/personal-data/personal-data.service.js'),
    import('../modules/identity/registry-import.js'),
  ]);
  const database = await openDatabaseForCommand(config, 'ehc registry import').catch((error: unknown) => {
    if (error instanceof DataDirLockedError) {
      throw lockedDirectoryError(error, 'Stop the server to import the registry, then start it again.');
    }
    throw error;
  });
  try {
    const { machine, createdDevelopmentKeys } = await keys.openCipherMachine(database.db, config);
    if (createdDevelopmentKeys) notice('no keys yet: created development keys');
    const protector = await personalData.createPersonalDataProtector(database.db, machine);
    const summary = await registry
      .importRegistryFile(database.db, protector, file, {
        chunkSize,
        ...(progress
          ? { onChunk: (s) => notice(`progress: ${s.rows} rows read, ${s.inserted + s.updated} written`) }
          : {}),
      })
      .catch((error: unknown) => {
        if (error instanceof registry.RegistryFileError) throw new CliError(error.message);
        throw error;
      });
    // Reasons never carry an ID number; masked anyway, as everywhere output leaves the process.
    return {
      ...summary,
      rejections: summary.rejections.map((r) => ({ row: r.row, reason: maskSensitiveText(r.reason) })),
    };
  } finally {
    await database.close();
  }
}
