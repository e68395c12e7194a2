import { randomUUID } from 'node:crypto';
import { extendCodeTable, SCENE_CODES } from '@ehc/gm';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../db/database.js';
import { migrateToLatest } from '../../db/migrate.js';
import { BACKENDS, createTestEnvironment, type TestEnvironment } from '../../testing/test-backends.js';
import {
  countCardUses,
  createCardUseRecorder,
  cstMonthOf,
  ensureCardUsePartitions,
  listCardUses,
  startCardUsePartitionMaintenance,
} from './usage.service.js';
import type { CardUseInput } from './usage.types.js';

const EHC_ID = '98FF9F2C05145CB9305E9D8A57E072BB51180CA49E5BE5E9D41BCE3A9A571928';

function use(cardId: string, usedAt: string, extra: Partial<CardUseInput> = {}): CardUseInput {
  return {
    cardId,
    ehcId: EHC_ID,
    orgCode: '12370100MB0000001X',
    terminalCode: '12370100MB0000001X0100',
    sceneCode: '0101011',
    channelCode: '01',
    departmentCode: '0100',
    costType: '0100',
    usedAt: new Date(usedAt),
    appId: 'app-1',
    source: 'verify',
    ...extra,
  };
}

async function partitions(database: DatabaseHandle): Promise<string[]> {
  const result = await sql<{ name: string }>`
    select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'card_use'::regclass order by 1`.execute(database.db);
  return result.rows.map((row) => row.name);
}

describe.each(BACKENDS)('card-use records on %s', (backend) => {
  let environment: TestEnvironment;
  let database: DatabaseHandle;

  beforeEach(async () => {
    environment = await createTestEnvironment(backend);
    database = await openDatabase(environment.config.database, { command: 'test' });
    await migrateToLatest(database.db);
  });

  afterEach(async () => {
    await database.close();
    await environment.cleanup();
  });

  it('records a use once: the same card, terminal, scene and time again is a duplicate', async () => {
    const recorder = createCardUseRecorder();
    const card = randomUUID();
    expect(await recorder.record(database.db, use(card, '2026-10-12T03:00:00Z'))).toEqual({ recorded: true });
    expect(await recorder.record(database.db, use(card, '2026-10-12T03:00:00Z'))).toEqual({
      recorded: false,
    });
    // Another scene at the same time is another use.
    expect(
      await recorder.record(database.db, use(card, '2026-10-12T03:00:00Z', { sceneCode: '0101051' })),
    ).toEqual({ recorded: true });
    // In the caller's transaction: rolled back with it.
    await expect(
      database.db.transaction().execute(async (trx) => {
        await recorder.record(trx, use(card, '2026-10-12T04:00:00Z'));
        throw new Error('the verification failed later');
      }),
    ).rejects.toThrow('the verification failed later');
    expect(await countCardUses(database.db, { cardId: card })).toBe(2);
    const listed = await listCardUses(database.db, card);
    expect(listed.map((row) => row.sceneCode).sort()).toEqual(['0101011', '0101051']);
    expect(listed[0]).toMatchObject({ ehcId: EHC_ID, channelCode: '01', costType: '0100', source: 'verify' });
    expect(listed[0]?.usedAt.toISOString()).toBe('2026-10-12T03:00:00.000Z');
  });

  it('records a batch across two CST months in chunks, counting duplicates', async () => {
    const recorder = createCardUseRecorder({ chunkSize: 3 });
    const card = randomUUID();
    // 2026-10-31 23:30 CST is October; 2026-11-01 00:30 CST (still 31 Oct in UTC) is November.
    const october = '2026-10-31T15:30:00Z';
    const november = '2026-10-31T16:30:00Z';
    expect(cstMonthOf(new Date(october))).toBe('202610');
    expect(cstMonthOf(new Date(november))).toBe('202611');
    const batch = [
      use(card, october),
      use(card, november),
      use(card, november), // duplicate inside the batch
      ...Array.from({ length: 5 }, (_, i) => use(card, `2026-11-0${i + 2}T01:00:00Z`, { source: 'report' })),
    ];
    expect(await recorder.recordBatch(database.db, batch)).toEqual({ recorded: 7, duplicates: 1 });
    expect(await recorder.recordBatch(database.db, batch)).toEqual({ recorded: 0, duplicates: 8 });
    expect(await partitions(database)).toEqual(['card_use_202610', 'card_use_202611']);
    const octoberRows = await sql<{ n: string }>`select count(*) as n from card_use_202610`.execute(
      database.db,
    );
    expect(Number(octoberRows.rows[0]?.n)).toBe(1);
    expect(
      await countCardUses(database.db, {
        cardId: card,
        from: new Date('2026-10-31T16:00:00Z'),
        to: new Date('2026-12-01T00:00:00Z'),
      }),
    ).toBe(6);
    expect(await recorder.recordBatch(database.db, [])).toEqual({ recorded: 0, duplicates: 0 });
  });

  it('rejects each bad field with its own code and records nothing of a bad batch', async () => {
    const recorder = createCardUseRecorder({ now: () => new Date('2026-11-22T00:00:00Z') });
    const card = randomUUID();
    const at = '2026-11-20T00:00:00Z';
    const cases: [Partial<CardUseInput>, string][] = [
      [{ sceneCode: '01010' }, 'CARD_USE_SCENE_INVALID'],
      [{ sceneCode: '0109999' }, 'CARD_USE_SCENE_INVALID'],
      [{ channelCode: '03' }, 'CARD_USE_CHANNEL_INVALID'],
      [{ costType: '0400' }, 'CARD_USE_COST_TYPE_INVALID'],
      [{ departmentCode: '01A0' }, 'CARD_USE_DEPARTMENT_INVALID'],
      [{ usedAt: new Date('2026-11-22T01:00:00Z') }, 'CARD_USE_TIME_INVALID'],
      [{ usedAt: new Date('nonsense') }, 'CARD_USE_TIME_INVALID'],
      [{ cardId: 'not-a-uuid' }, 'CARD_USE_INVALID'],
      [{ terminalCode: '' }, 'CARD_USE_INVALID'],
    ];
    for (const [extra, code] of cases) {
      await expect(recorder.record(database.db, use(card, at, extra))).rejects.toMatchObject({ code });
    }
    await expect(
      recorder.recordBatch(database.db, [use(card, at), use(card, at, { channelCode: 'xx' })]),
    ).rejects.toMatchObject({ code: 'CARD_USE_CHANNEL_INVALID' });
    expect(await countCardUses(database.db, { cardId: card })).toBe(0);
    // A province's extended scene table; card channel codes are accepted as channels too.
    const provincial = createCardUseRecorder({
      scenes: extendCodeTable(SCENE_CODES, [{ code: '010201', name: '疫苗接种', nameEn: 'Vaccination' }]),
    });
    expect(
      await provincial.record(database.db, use(card, at, { sceneCode: '010201', channelCode: '0402' })),
    ).toEqual({ recorded: true });
  });

  it('creates a new month’s partition once when many writers record into it at once', async () => {
    const writers =
      backend === 'postgres'
        ? await Promise.all(
            [1, 2, 3].map(() =>
              openDatabase(
                { ...environment.config.database, poolSize: 4 } as typeof environment.config.database,
                {
                  command: 'test',
                },
              ),
            ),
          )
        : [database];
    try {
      const card = randomUUID();
      const results = await Promise.all(
        writers.flatMap((writer) => {
          const recorder = createCardUseRecorder();
          return Array.from({ length: 12 }, (_, i) =>
            writer.db.transaction().execute((trx) =>
              // Every writer records the same 12 uses: each is recorded exactly once overall.
              recorder.record(trx, use(card, `2026-09-${String(i + 1).padStart(2, '0')}T02:00:00Z`)),
            ),
          );
        }),
      );
      expect(results.filter((result) => result.recorded)).toHaveLength(12);
      expect(await countCardUses(database.db, { cardId: card })).toBe(12);
      expect(await partitions(database)).toEqual(['card_use_202609']);
    } finally {
      if (backend === 'postgres') await Promise.all(writers.map((writer) => writer.close()));
    }
  });

  it('pre-creates this month and the next, across a year end', async () => {
    await ensureCardUsePartitions(database.db, new Date('2026-12-15T00:00:00Z'), 2);
    await ensureCardUsePartitions(database.db, new Date('2026-12-15T00:00:00Z'), 2);
    expect(await partitions(database)).toEqual(['card_use_202612', 'card_use_202701']);
  });

  it('maintains this month and the next from start until stopped', async () => {
    let clock = new Date('2027-03-31T17:00:00Z'); // 1 April in China
    const maintenance = startCardUsePartitionMaintenance(database.db, { intervalMs: 20, now: () => clock });
    await maintenance.ready;
    expect(await partitions(database)).toEqual(['card_use_202704', 'card_use_202705']);
    clock = new Date('2027-05-10T00:00:00Z');
    await new Promise((resolve) => setTimeout(resolve, 200));
    await maintenance.stop();
    expect(await partitions(database)).toEqual(['card_use_202704', 'card_use_202705', 'card_use_202706']);
  });
});
