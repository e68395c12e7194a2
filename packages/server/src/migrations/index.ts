/**
 * The migration list. Forward-only: a migration is never edited once released; a change is a new
 * file. Listed explicitly (no directory scanning) so bundling and grep both see every migration.
 */
import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001_init.js';

export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001_init': m0001,
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return MIGRATIONS;
  },
};
