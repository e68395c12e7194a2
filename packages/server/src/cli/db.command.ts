/** `ehc db migrate`: apply pending migrations (PostgreSQL; the embedded database migrates itself). */
import type { Command } from 'commander';
import { describeDatabase, loadConfig } from '../config.js';
import { action, CliError, printJson, printLine } from './output.js';

export function registerDbCommands(program: Command): void {
  const db = program.command('db').description('database schema');

  db.command('migrate')
    .description('apply every pending migration, in order')
    .option('--json', 'print the result as JSON')
    .action(
      action(async (options: { json?: boolean }) => {
        const config = loadConfig();
        const { openDatabase, DataDirLockedError, getMigrationStatus, migrateToLatest } =
          await loadDatabaseModules();
        const database = await openDatabase(config.database, { command: 'ehc db migrate' }).catch(
          (error: unknown) => {
            if (error instanceof DataDirLockedError) {
              throw new CliError(
                `${error.message}. A running server keeps its embedded database migrated: nothing to do.`,
              );
            }
            throw error;
          },
        );
        try {
          const applied = await migrateToLatest(database.db);
          const status = await getMigrationStatus(database.db);
          if (options.json) {
            printJson({ database: database.kind, applied, current: status.applied.at(-1) ?? null });
          } else {
            printLine(`${describeDatabase(config.database)}`);
            printLine(
              applied.length > 0 ? `applied: ${applied.join(', ')}` : 'the schema is already current',
            );
          }
        } finally {
          await database.close();
        }
      }),
    );

  db.command('status')
    .description('show applied and pending migrations')
    .option('--json', 'print the result as JSON')
    .action(
      action(async (options: { json?: boolean }) => {
        const config = loadConfig();
        const { openDatabase, getMigrationStatus } = await loadDatabaseModules();
        const database = await openDatabase(config.database, { command: 'ehc db status' });
        try {
          const status = await getMigrationStatus(database.db);
          if (options.json) printJson(status);
          else {
            printLine(`applied: ${status.applied.join(', ') || '(none)'}`);
            printLine(`pending: ${status.pending.join(', ') || '(none)'}`);
          }
        } finally {
          await database.close();
        }
      }),
    );
}

/** The database modules, loaded on use so that light commands start fast. */
async function loadDatabaseModules() {
  const [database, lock, migrate] = await Promise.all([
    import('../db/database.js'),
    import('../db/lock.js'),
    import('../db/migrate.js'),
  ]);
  return { ...database, ...lock, ...migrate };
}
