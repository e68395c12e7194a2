/** Table types of the population registry (人口库, migration 0003_records). */
import type { ColumnType } from 'kysely';

/** A person as the registry knows them. ID number and address are encrypted. */
export interface PopulationRegistryTable {
  /** bigint identity (generated always), a string. */
  id: ColumnType<string, never, never>;
  id_type: string;
  /** Blind index (HMAC-SM3) of the ID number: how a person is found. */
  id_no_index: string;
  id_no_enc: string;
  name: string;
  /** GB/T 2261.1 sex code. */
  gender: string;
  /** `date`; select it as text (`birthday::text`) to get YYYY-MM-DD on both back ends. */
  birthday: string;
  nation: string | null;
  address_enc: string | null;
  region: string | null;
  deceased_on: string | null;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface IdentityTables {
  population_registry: PopulationRegistryTable;
}
