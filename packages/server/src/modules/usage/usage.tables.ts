/** Table types of the card-use records (用卡数据, migration 0003_records). */
import type { ColumnType } from 'kysely';

/**
 * One use of a card. Partitioned by month of used_at; the key is (card_id, terminal_code,
 * scene_code, used_at). Append-only: no updated_at.
 */
export interface CardUseTable {
  card_id: string;
  ehc_id: string;
  org_code: string;
  terminal_code: string;
  scene_code: string;
  channel_code: string;
  department_code: string | null;
  cost_type: string | null;
  used_at: ColumnType<Date, Date, never>;
  app_id: string | null;
  source: 'verify' | 'report';
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

export interface UsageTables {
  card_use: CardUseTable;
}
