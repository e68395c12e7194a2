/** Deaths from the civil registry: service, CSV streaming, the admin route and `ehc registry deaths`. */
import fs from 'node:fs';
import path from 'node:path';
import { computeCheckCharacter } from '@ehc/gm';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CardsServiceEnv, createCardsServiceEnv } from '../../testing/cards-service-env.js';
import { createTestApp } from '../../testing/institutions-app.js';
import { runCli } from '../../testing/processes.js';
import { BACKENDS } from '../../testing/test-backends.js';
import { searchAuditLog, verifyAuditChain } from '../audit/audit.service.js';
import { importRegistryLines } from '../identity/registry-import.js';
import { createPersonalDataProtector } from '../personal-data/personal-data.service.js';
import type { CardActor } from './cards.service.js';
import { importDeathsLines } from './registry-deaths.js';

const ZHANG = { idType: '01', idNo: '11010020171225006X', name: '张三', gender: '2', birthday: '2017-12-25' };
const WANG_17 = '11010519491231001';
const WANG = {
  idType: '01',
  idNo: WANG_17 + computeCheckCharacter(WANG_17),
  name: '王五',
  gender: '1',
  birthday: '1949-12-31',
};
const UNKNOWN_17 = '37010219900202456';
const UNKNOWN_ID = UNKNOWN_17 + computeCheckCharacter(UNKNOWN_17);
const REGISTRY = [
  `01,${ZHANG.idNo},${ZHANG.name},2,2017-12-25,01,北京市东城区,110101,`,
  `01,${WANG.idNo},${WANG.name},1,1949-12-31,01,北京市西城区,110102,`,
];
const HIS: CardActor = {
  kind: 'app',
  appId: 'his-app',
  orgCode: '12370100MB0000001X',
  scopes: ['register', 'verify', 'query', 'report'],
};
const OPERATOR: CardActor = { kind: 'operator', id: 'test' };
const HEADER = 'id_type,id_no,deceased_on';

async function* feed(lines: string[]) {
  yield* lines;
}

describe.each(BACKENDS)('deaths from the civil registry on %s', (backend) => {
  let t: CardsServiceEnv;

  beforeEach(async () => {
    t = await createCardsServiceEnv(backend, REGISTRY);
  });
  afterEach(async () => t.close());

  const deceasedOn = async (idNo: string) =>
    (
      await t.database.db
        .selectFrom('population_registry')
        .select(sql<string | null>`deceased_on::text`.as('deceased_on'))
        .where('id_no_index', '=', t.personalData.blindIndex('id_no', idNo))
        .executeTakeFirst()
    )?.deceased_on;

  it('marks deaths, cancels the live cards with reason deceased, and is idempotent', async () => {
    const { card } = await t.cards.registerCard(HIS, { ...ZHANG, channel: '0100' });
    await t.cards.registerCard(HIS, { ...WANG, channel: '0100' });

    const first = await t.cards.recordDeaths(OPERATOR, [
      { idType: '01', idNo: ZHANG.idNo, deceasedOn: '2026-11-01' },
      { idType: '01', idNo: UNKNOWN_ID, deceasedOn: '2026-10-01' },
    ]);
    expect(first).toEqual({ marked: 1, unchanged: 0, notInRegistry: 1, cardsCancelled: 1 });
    expect(await deceasedOn(ZHANG.idNo)).toBe('2026-11-01');
    expect(await deceasedOn(WANG.idNo)).toBeNull();

    const view = await t.cards.getCard(HIS, card.ehcId);
    expect(view.status).toBe('cancelled');
    const history = await t.cards.history(HIS, card.ehcId);
    expect(history.map((event) => [event.event, event.reason])).toEqual([
      ['issued', null],
      ['cancelled', 'deceased'],
    ]);
    const audit = await searchAuditLog(t.database.db, { action: 'card.cancel', subject: card.ehcId });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ details: { reason: 'deceased', deceasedOn: '2026-11-01' } });

    const again = await t.cards.recordDeaths(OPERATOR, [
      { idType: '01', idNo: ZHANG.idNo, deceasedOn: '2026-11-01' },
    ]);
    expect(again).toEqual({ marked: 0, unchanged: 1, notInRegistry: 0, cardsCancelled: 0 });
    expect(await t.cards.history(HIS, card.ehcId)).toHaveLength(2);

    // The dead cannot register again.
    await expect(t.cards.registerCard(HIS, { ...ZHANG, channel: '0100' })).rejects.toMatchObject({
      code: 'IDENTITY_DECEASED',
    });
    expect(await verifyAuditChain(t.database.db)).toMatchObject({ intact: true });
  });

  it('refuses malformed records and future dates with VALIDATION_FAILED, changing nothing', async () => {
    for (const record of [
      { idType: 'XX', idNo: ZHANG.idNo, deceasedOn: '2026-11-01' },
      { idType: '01', idNo: '110100201712250060', deceasedOn: '2026-11-01' },
      { idType: '01', idNo: ZHANG.idNo, deceasedOn: '2026-02-30' },
      { idType: '01', idNo: ZHANG.idNo, deceasedOn: '2026-12-01' },
    ]) {
      await expect(t.cards.recordDeaths(OPERATOR, [record])).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
    }
    expect(await deceasedOn(ZHANG.idNo)).toBeNull();
  });

  it('streams a CSV in chunks, rejects bad rows by line, and finishes a half-applied file on re-run', async () => {
    await t.cards.registerCard(HIS, { ...ZHANG, channel: '0100' });
    const { card: wang } = await t.cards.registerCard(HIS, { ...WANG, channel: '0100' });
    const lines = [
      HEADER,
      `01,${ZHANG.idNo},2026-11-01`,
      '01,not-a-number,2026-11-01',
      `01,${UNKNOWN_ID},2026-10-01`,
      `01,${WANG.idNo},2026-11-02`,
      `01,${WANG.idNo}`,
    ];
    // A run that only got through the first row (as if killed after the first chunk).
    await importDeathsLines(t.cards, OPERATOR, feed(lines.slice(0, 2)), { chunkSize: 1, today: t.clock.now });
    const summary = await importDeathsLines(t.cards, OPERATOR, feed(lines), {
      chunkSize: 2,
      today: t.clock.now,
    });
    expect(summary).toMatchObject({
      rows: 5,
      marked: 1,
      unchanged: 1,
      notInRegistry: 1,
      cardsCancelled: 1,
      rejected: 2,
    });
    expect(summary.rejections.map((rejection) => rejection.row)).toEqual([3, 6]);
    expect(JSON.stringify(summary)).not.toContain(WANG.idNo);
    expect((await t.cards.getCard(HIS, wang.ehcId)).status).toBe('cancelled');

    await expect(importDeathsLines(t.cards, OPERATOR, feed(['id_type,id_no']))).rejects.toThrow(
      /header must name the columns id_type,id_no,deceased_on/,
    );
    await expect(importDeathsLines(t.cards, OPERATOR, feed([]))).rejects.toThrow(/the file is empty/);
  });
});

describe.each(BACKENDS)('ehc registry deaths and POST /api/admin/registry/deaths on %s', (backend) => {
  it('applies a CSV file from the CLI, then the same deaths through the admin API', async () => {
    const t = await createTestApp(backend);
    try {
      const db = t.runtime.database.db;
      const protector = await createPersonalDataProtector(db, t.runtime.cipher);
      await importRegistryLines(
        db,
        protector,
        feed(['id_type,id_no,name,gender,birthday,nation,address,region,deceased_on', ...REGISTRY]),
      );
      const unauthorised = await t.app.inject({
        method: 'POST',
        url: '/api/admin/registry/deaths',
        payload: { records: [{ id_type: '01', id_no: ZHANG.idNo, deceased_on: '2026-11-01' }] },
      });
      expect(unauthorised.statusCode).toBe(401);
      const applied = await t.admin('POST', '/api/admin/registry/deaths', {
        records: [{ id_type: '01', id_no: ZHANG.idNo, deceased_on: '2020-11-01' }],
      });
      expect(applied).toEqual({
        status: 200,
        body: { marked: 1, unchanged: 0, not_in_registry: 0, cards_cancelled: 0 },
      });
      const bad = await t.admin('POST', '/api/admin/registry/deaths', {
        records: [{ id_type: '01', id_no: ZHANG.idNo, deceased_on: 'yesterday' }],
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    } finally {
      await t.app.close();
      await t.runtime.close();
    }

    // The CLI opens the same node once the server is gone.
    const file = path.join(t.environment.dataDir, 'deaths.csv');
    fs.writeFileSync(file, `${HEADER}\n01,${ZHANG.idNo},2020-11-01\n01,${WANG.idNo},2021-01-02\n01,x,bad\n`);
    const result = await runCli(['registry', 'deaths', file, '--json'], t.environment.env);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({
      rows: 3,
      marked: 1,
      unchanged: 1,
      rejected: 1,
      rejections: [{ row: 4 }],
    });
    const missing = await runCli(['registry', 'deaths', `${file}.missing`], t.environment.env);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/^ehc: error: cannot read .*ENOENT/);
    await t.environment.cleanup();
  });
});
