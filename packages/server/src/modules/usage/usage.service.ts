/**
 * Card-use records (用卡数据, B5): validation, monthly partitions created on demand, idempotent
 * inserts (ON CONFLICT DO NOTHING on card, terminal, scene, use time), and the queries tests and
 * dashboards read them with.
 *
 * Months are China Standard Time months (UTC+8), like every other date of the platform, so a
 * use at 2026-11-01 00:30 CST falls in November whatever the server's time zone.
 */
import {
  type CodeTable,
  isDepartmentCodeShape,
  isSceneCodeShape,
  isValidCardChannelCode,
  isValidCostTypeCode,
  isValidSceneCode,
  isValidTerminalTypeCode,
  SCENE_CODES,
} from '@ehc/gm';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema.js';
import { AppError } from '../../lib/errors.js';
import type { DbExecutor } from '../audit/audit.types.js';
import type { CardUseInput, CardUseRecorder } from './usage.types.js';

/** Key of the advisory lock serialising partition creation ('EHCPARTN' in ASCII). */
const PARTITION_LOCK_KEY = '4992314198912554062';
const CST_OFFSET_MS = 8 * 3600_000;
/** A use may be stamped slightly ahead of our clock (terminal clocks drift); not more. */
const MAX_FUTURE_SKEW_MS = 5 * 60_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface CardUseRecorderOptions {
  /** The scene table (用卡环节): the national default or a province's extension. */
  scenes?: CodeTable;
  /** Rows per INSERT in recordBatch. */
  chunkSize?: number;
  now?: () => Date;
}

/** `YYYYMM` of the CST month of `at`. */
export function cstMonthOf(at: Date): string {
  const shifted = new Date(at.getTime() + CST_OFFSET_MS);
  return `${shifted.getUTCFullYear()}${String(shifted.getUTCMonth() + 1).padStart(2, '0')}`;
}

function monthBounds(month: string): { from: string; to: string } {
  const year = Number(month.slice(0, 4));
  const monthIndex = Number(month.slice(4, 6));
  const next = monthIndex === 12 ? `${year + 1}-01` : `${year}-${String(monthIndex + 1).padStart(2, '0')}`;
  return { from: `${month.slice(0, 4)}-${month.slice(4, 6)}-01 00:00:00+08`, to: `${next}-01 00:00:00+08` };
}

export function cardUsePartitionName(month: string): string {
  return `card_use_${month}`;
}

/**
 * Creates the partition of `month` (`YYYYMM`) if it does not exist, under an advisory lock so
 * concurrent creators (other transactions, other processes) wait and then find it. Runs in
 * `executor`'s transaction when it is one (PGlite has one connection: a second transaction would
 * wait for the caller's forever), otherwise in a short transaction of its own.
 * @returns true when the partition was already there (committed by someone, or by this transaction).
 */
export async function ensureCardUsePartition(executor: DbExecutor, month: string): Promise<boolean> {
  if (!/^\d{6}$/.test(month)) throw new RangeError(`not a month: ${month}`);
  const name = cardUsePartitionName(month);
  const exists = async (trx: DbExecutor) =>
    (await sql<{ found: boolean }>`select to_regclass(${name}) is not null as found`.execute(trx)).rows[0]
      ?.found === true;
  if (await exists(executor)) return true;
  const create = async (trx: DbExecutor) => {
    await sql`select pg_advisory_xact_lock(${sql.lit(PARTITION_LOCK_KEY)}::bigint)`.execute(trx);
    if (await exists(trx)) return;
    const { from, to } = monthBounds(month);
    await sql`create table if not exists ${sql.id(name)} partition of card_use for values from (${sql.lit(from)}) to (${sql.lit(to)})`.execute(
      trx,
    );
  };
  if (executor.isTransaction) await create(executor);
  else await executor.transaction().execute(create);
  return false;
}

/** Pre-creates the partitions of `count` months from `from` (e.g. at start: this month and the next). */
export async function ensureCardUsePartitions(db: Kysely<Database>, from: Date, count = 2): Promise<void> {
  const shifted = new Date(from.getTime() + CST_OFFSET_MS);
  for (let i = 0; i < count; i += 1) {
    const year = shifted.getUTCFullYear() + Math.floor((shifted.getUTCMonth() + i) / 12);
    const month = ((shifted.getUTCMonth() + i) % 12) + 1;
    await ensureCardUsePartition(db, `${year}${String(month).padStart(2, '0')}`);
  }
}

/** Checks one record; throws the AppError of the first rule it breaks. */
export function validateCardUse(input: CardUseInput, scenes: CodeTable, now: Date): void {
  const invalid = (message: string) => new AppError('CARD_USE_INVALID', message);
  if (typeof input.cardId !== 'string' || !UUID.test(input.cardId))
    throw invalid('cardId must be a card id (uuid)');
  if (typeof input.ehcId !== 'string' || !/^[0-9A-Za-z:]{1,128}$/.test(input.ehcId)) {
    throw invalid('ehcId must be an EHC ID (hex)');
  }
  if (typeof input.orgCode !== 'string' || !/^[0-9A-Za-z]{2,30}$/.test(input.orgCode)) {
    throw invalid('orgCode must be 2–30 letters or digits');
  }
  if (typeof input.terminalCode !== 'string' || !/^[0-9A-Za-z_-]{1,64}$/.test(input.terminalCode)) {
    throw invalid('terminalCode must be 1–64 letters, digits, - or _');
  }
  if (input.source !== 'verify' && input.source !== 'report')
    throw invalid('source must be verify or report');
  if (input.appId !== undefined && (typeof input.appId !== 'string' || input.appId.length > 64)) {
    throw invalid('appId must be at most 64 characters');
  }
  if (!isSceneCodeShape(input.sceneCode) || !isValidSceneCode(input.sceneCode, scenes)) {
    throw new AppError(
      'CARD_USE_SCENE_INVALID',
      `scene ${JSON.stringify(input.sceneCode)} is not a known treatment step (six or seven digits, e.g. 0101011)`,
    );
  }
  if (!isValidTerminalTypeCode(input.channelCode) && !isValidCardChannelCode(input.channelCode)) {
    throw new AppError(
      'CARD_USE_CHANNEL_INVALID',
      `channel ${JSON.stringify(input.channelCode)} is neither a terminal type (01, 02, 99) nor a card channel (0100…0500)`,
    );
  }
  if (input.costType !== undefined && !isValidCostTypeCode(input.costType)) {
    throw new AppError(
      'CARD_USE_COST_TYPE_INVALID',
      `cost type ${JSON.stringify(input.costType)} is not known`,
    );
  }
  if (input.departmentCode !== undefined && !isDepartmentCodeShape(input.departmentCode)) {
    throw new AppError(
      'CARD_USE_DEPARTMENT_INVALID',
      `department ${JSON.stringify(input.departmentCode)} must be four digits`,
    );
  }
  if (!(input.usedAt instanceof Date) || Number.isNaN(input.usedAt.getTime())) {
    throw new AppError('CARD_USE_TIME_INVALID', 'usedAt must be a valid time');
  }
  if (input.usedAt.getTime() > now.getTime() + MAX_FUTURE_SKEW_MS) {
    throw new AppError('CARD_USE_TIME_INVALID', 'usedAt lies in the future');
  }
  if (input.usedAt.getUTCFullYear() < 2000)
    throw new AppError('CARD_USE_TIME_INVALID', 'usedAt is before 2000');
}

function toRow(input: CardUseInput) {
  return {
    card_id: input.cardId,
    ehc_id: input.ehcId,
    org_code: input.orgCode,
    terminal_code: input.terminalCode,
    scene_code: input.sceneCode,
    channel_code: input.channelCode,
    department_code: input.departmentCode ?? null,
    cost_type: input.costType ?? null,
    used_at: input.usedAt,
    app_id: input.appId ?? null,
    source: input.source,
  };
}

/**
 * The recorder. It remembers months whose partition it has seen in place, so the usual record
 * is one INSERT. A partition is remembered only once seen existing, not when this process has
 * just created it, because the creating transaction may still roll back.
 */
export function createCardUseRecorder(options: CardUseRecorderOptions = {}): CardUseRecorder {
  const scenes = options.scenes ?? SCENE_CODES;
  const chunkSize = options.chunkSize ?? 500;
  const now = options.now ?? (() => new Date());
  const knownMonths = new Set<string>();

  const ensureMonths = async (executor: DbExecutor, inputs: readonly CardUseInput[]) => {
    const months = new Set(inputs.map((input) => cstMonthOf(input.usedAt)));
    for (const month of [...months].sort()) {
      if (knownMonths.has(month)) continue;
      if (await ensureCardUsePartition(executor, month)) knownMonths.add(month);
    }
  };

  const insert = async (executor: DbExecutor, inputs: readonly CardUseInput[]): Promise<number> => {
    const result = await executor
      .insertInto('card_use')
      .values(inputs.map(toRow))
      .onConflict((conflict) =>
        conflict.columns(['card_id', 'terminal_code', 'scene_code', 'used_at']).doNothing(),
      )
      .returning('card_id')
      .execute();
    return result.length;
  };

  return {
    async record(executor, input) {
      validateCardUse(input, scenes, now());
      await ensureMonths(executor, [input]);
      return { recorded: (await insert(executor, [input])) === 1 };
    },

    async recordBatch(executor, inputs) {
      const at = now();
      for (const input of inputs) validateCardUse(input, scenes, at);
      if (inputs.length === 0) return { recorded: 0, duplicates: 0 };
      await ensureMonths(executor, inputs);
      let recorded = 0;
      for (let start = 0; start < inputs.length; start += chunkSize) {
        recorded += await insert(executor, inputs.slice(start, start + chunkSize));
      }
      return { recorded, duplicates: inputs.length - recorded };
    },
  };
}

export interface CardUseView {
  cardId: string;
  ehcId: string;
  orgCode: string;
  terminalCode: string;
  sceneCode: string;
  channelCode: string;
  departmentCode: string | null;
  costType: string | null;
  usedAt: Date;
  appId: string | null;
  source: 'verify' | 'report';
}

export interface CardUseRange {
  /** Inclusive. Give a range on large tables: it limits the partitions scanned. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
}

/** Uses of one card, newest first. */
export async function listCardUses(
  db: DbExecutor,
  cardId: string,
  options: CardUseRange & { limit?: number } = {},
): Promise<CardUseView[]> {
  let query = db.selectFrom('card_use').selectAll().where('card_id', '=', cardId);
  if (options.from) query = query.where('used_at', '>=', options.from);
  if (options.to) query = query.where('used_at', '<', options.to);
  const rows = await query
    .orderBy('used_at', 'desc')
    .limit(options.limit ?? 100)
    .execute();
  return rows.map((row) => ({
    cardId: row.card_id,
    ehcId: row.ehc_id,
    orgCode: row.org_code,
    terminalCode: row.terminal_code,
    sceneCode: row.scene_code,
    channelCode: row.channel_code,
    departmentCode: row.department_code,
    costType: row.cost_type,
    usedAt: new Date(row.used_at),
    appId: row.app_id,
    source: row.source,
  }));
}

/** How many uses match (of one card, of one institution, in a time range). */
export async function countCardUses(
  db: DbExecutor,
  filter: CardUseRange & { cardId?: string; orgCode?: string } = {},
): Promise<number> {
  let query = db.selectFrom('card_use').select((eb) => eb.fn.countAll<string>().as('count'));
  if (filter.cardId) query = query.where('card_id', '=', filter.cardId);
  if (filter.orgCode) query = query.where('org_code', '=', filter.orgCode);
  if (filter.from) query = query.where('used_at', '>=', filter.from);
  if (filter.to) query = query.where('used_at', '<', filter.to);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.count);
}

/**
 * Keeps the partitions of this month and the next in place: now, then every `intervalMs`
 * (12 h by default), so live traffic never creates one (which would lock the parent table
 * until the creating transaction commits). Returns a function that stops it and waits for a
 * run in progress.
 */
export function startCardUsePartitionMaintenance(
  db: Kysely<Database>,
  options: { intervalMs?: number; onError?: (error: unknown) => void; now?: () => Date } = {},
): { ready: Promise<void>; stop: () => Promise<void> } {
  const now = options.now ?? (() => new Date());
  let running: Promise<void> = Promise.resolve();
  const run = () => {
    running = running
      .then(() => ensureCardUsePartitions(db, now(), 2))
      .catch((error: unknown) => options.onError?.(error));
    return running;
  };
  const ready = run();
  const timer = setInterval(run, options.intervalMs ?? 12 * 3600_000);
  timer.unref();
  return {
    ready,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
