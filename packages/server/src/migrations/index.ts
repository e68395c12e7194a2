/**
 * The migration list. Forward-only: a migration is never edited once released; a change is a new
 * file. Listed explicitly (no directory scanning) so bundling and grep both see every migration.
 */
import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001_init.js';
import * as m0002 from './0002_institutions.js';
import * as m0003 from './0003_records.js';
import * as m0004 from './0004_cards.js';
import * as m0005 from './0005_card_extensions.js';
import * as m0006 from './0006_audit_chain_async.js';

export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001_init': m0001,
  '0003_records': m0003,
  '0002_institutions': m0002,
  '0004_cards': m0004,
  '0005_card_extensions': m0005,
  '0006_audit_chain_async': m0006,
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return MIGRATIONS;
  },
};
