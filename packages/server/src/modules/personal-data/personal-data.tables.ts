/** Table types of personal-data protection (migration 0003_records). */
import type { ColumnType, Generated } from 'kysely';

/** A data key (数据密钥) for one purpose, wrapped by the cipher machine; never stored in clear. */
export interface DataKeyTable {
  id: Generated<number>;
  /** What the key protects, e.g. `personal-data`. */
  purpose: string;
  version: number;
  wrapped_key: string;
  active: boolean;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface PersonalDataTables {
  data_keys: DataKeyTable;
}
