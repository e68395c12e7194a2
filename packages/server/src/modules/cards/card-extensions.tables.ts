/** Table types of newborn and temporary cards, EHC ID aliases and family accounts (migration 0005). */
import type { ColumnType } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;

/** An EHC ID the card had before (a newborn's card after its upgrade); lookups still find the card. */
export interface CardAliasTable {
  ehc_id: string;
  card_id: string;
  reason: 'upgraded';
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export type GuardianRelation = 'mother' | 'father' | 'other';

/** A newborn's card (新生儿卡): issued on a guardian's identity, with the birth facts. */
export interface NewbornCardTable {
  card_id: string;
  /** The guardian's card when the guardian was verified by holding an active one. */
  guardian_card_id: string | null;
  guardian_id_type: string;
  guardian_id_no_enc: string;
  guardian_id_no_index: string;
  guardian_name: string;
  guardian_relation: GuardianRelation;
  birth_time: ColumnType<Date, Date | string, Date | string>;
  /** 胎次: the mother's how-many-th delivery. */
  parity: number;
  /** Order within a multiple birth (1 for a single birth). */
  birth_order: number;
  /** True while the name is a placeholder such as 张某之子. */
  provisional_name: boolean;
  upgraded_at: Date | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** A temporary card (临时卡): no documents, code `<master index>:9`, valid until expires_at. */
export interface TemporaryCardTable {
  card_id: string;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  /** The formal card it was merged into, with its card-use records. */
  merged_into_card_id: string | null;
  merged_at: Date | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** A resident's account (minimal until the resident portal): its id and the owner's card. */
export interface ResidentAccountTable {
  id: ColumnType<string, string | undefined, never>;
  owner_card_id: string;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export type FamilyRelation = 'parent' | 'child' | 'spouse' | 'other';

/** A family member's card linked to an account; guardian = the owner is this member's guardian. */
export interface FamilyMemberTable {
  account_id: string;
  card_id: string;
  relation: FamilyRelation;
  guardian: boolean;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface CardExtensionTables {
  card_aliases: CardAliasTable;
  newborn_cards: NewbornCardTable;
  temporary_cards: TemporaryCardTable;
  resident_accounts: ResidentAccountTable;
  family_members: FamilyMemberTable;
}
