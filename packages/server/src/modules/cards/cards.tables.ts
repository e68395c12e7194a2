/** Table types of residents and cards (migration 0004_cards; 0005 made name and birthday optional). */
import type { ColumnType, Generated } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;

export type CardStatus = 'active' | 'frozen' | 'cancelled';
export type CardKind = 'formal' | 'newborn' | 'temporary';

/** A person. ID number, phone and address are stored encrypted, with blind indexes for lookup. */
export interface ResidentTable {
  id: Generated<string>;
  /** 主索引: SM3(idType‖idNo‖name), uppercase hex. */
  master_index: string;
  id_type: string;
  id_no_enc: string;
  id_no_index: string;
  /** Null only on a temporary card whose holder gave no name (migration 0005). */
  name: string | null;
  gender: string;
  /** Null only on a temporary card whose holder's birth date is unknown (migration 0005). */
  birthday: string | null;
  nation: string | null;
  nationality: string | null;
  phone_enc: string | null;
  phone_index: string | null;
  address_enc: string | null;
  marital_status: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** An electronic health card: one per resident. */
export interface CardTable {
  id: Generated<string>;
  resident_id: string;
  /** 电子健康卡ID, 64 uppercase hex. */
  ehc_id: string;
  kind: CardKind;
  status: CardStatus;
  /** Real-name verification level reached at issuance. */
  verification_level: string;
  /** True when the channel's required level was lowered for this registration (audited). */
  below_default_level: boolean;
  channel: string;
  issued_by_app: string | null;
  cancel_reason: string | null;
  cancelled_at: Date | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** Idempotency of `register_no`: one caller serial, one card. */
export interface CardRegistrationTable {
  app_id: string;
  register_no: string;
  card_id: string;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** History of a card: issuance, status changes, holder modifications (values masked). */
export interface CardEventTable {
  id: Generated<string>;
  card_id: string;
  event:
    | 'issued'
    | 'frozen'
    | 'unfrozen'
    | 'cancelled'
    | 'holder_modified'
    | 'upgraded'
    | 'merged'
    | 'card_uses_merged';
  actor: string;
  reason: string | null;
  /** Changed fields, before and after, with personal identifiers masked. */
  changes: unknown;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface CardTables {
  residents: ResidentTable;
  cards: CardTable;
  card_registrations: CardRegistrationTable;
  card_events: CardEventTable;
}
