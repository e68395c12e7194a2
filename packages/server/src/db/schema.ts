/**
 * Table types for Kysely. One interface per table, snake_case like the SQL; every table has
 * created_at and updated_at. Migrations in ../migrations are the source of truth; keep these in step.
 */
import type { ColumnType, Generated } from 'kysely';
import type { AuditTables } from '../modules/audit/audit.tables.js';
import type { CardExtensionTables } from '../modules/cards/card-extensions.tables.js';
import type { CardTables } from '../modules/cards/cards.tables.js';
import type { IdentityTables } from '../modules/identity/identity.tables.js';
import type { InstitutionTables } from '../modules/institutions/institutions.tables.js';
import type { PersonalDataTables } from '../modules/personal-data/personal-data.tables.js';
import type { UsageTables } from '../modules/usage/usage.tables.js';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;

/** The software cipher machine's state (one row): which master key wraps its keys. */
export interface CipherMachineTable {
  id: ColumnType<number, 1, never>;
  /** HMAC-SM3 check value of the master key, so a wrong EHC_MASTER_KEY is detected at start. */
  master_key_check: string;
  /** True when the keys were created automatically for development. */
  development: boolean;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export type CipherKeyKind = 'security' | 'protection' | 'data' | 'node_sm2';

/** Keys of the software cipher machine, each wrapped (SM4-CBC + HMAC-SM3) under the master key. */
export interface CipherKeyTable {
  id: Generated<number>;
  kind: CipherKeyKind;
  version: number;
  /** iv ‖ ciphertext ‖ mac, hex. Never a plaintext key. */
  wrapped_key: string;
  /** Public half for asymmetric keys (uncompressed SM2 point, hex). */
  public_key: string | null;
  /** Where the key came from: generated here, or imported (e.g. the national security key). */
  origin: 'generated' | 'imported';
  active: boolean;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface Database
  extends CardTables,
    CardExtensionTables,
    InstitutionTables,
    AuditTables,
    PersonalDataTables,
    IdentityTables,
    UsageTables {
  cipher_machine: CipherMachineTable;
  cipher_keys: CipherKeyTable;
}
