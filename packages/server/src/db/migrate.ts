/** Applies and inspects the forward-only migrations. */
import { type Kysely, Migrator } from 'kysely';
import { migrationProvider } from '../migrations/index.js';

export interface MigrationStatus {
  applied: string[];
  pending: string[];
}

// Migrations work on the raw database, whatever table types the caller holds.
function migratorFor<DB>(db: Kysely<DB>): Migrator {
  return new Migrator({
    db: db as unknown as Kysely<unknown>,
    provider: migrationProvider,
    migrationTableName: 'ehc_migration',
    migrationLockTableName: 'ehc_migration_lock',
  });
}

/** Applies every pending migration in order; returns the names applied now. */
export async function migrateToLatest<DB>(db: Kysely<DB>): Promise<string[]> {
  const { error, results } = await migratorFor(db).migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName;
    throw new Error(
      `migration ${failed ?? '(unknown)'} failed: ${(error as Error).message ?? String(error)}`,
      {
        cause: error,
      },
    );
  }
  return (results ?? [])
    .filter((result) => result.status === 'Success')
    .map((result) => result.migrationName);
}

/** Which migrations are applied and which are pending. */
export async function getMigrationStatus<DB>(db: Kysely<DB>): Promise<MigrationStatus> {
  const migrations = await migratorFor(db).getMigrations();
  return {
    applied: migrations.filter((m) => m.executedAt !== undefined).map((m) => m.name),
    pending: migrations.filter((m) => m.executedAt === undefined).map((m) => m.name),
  };
}
