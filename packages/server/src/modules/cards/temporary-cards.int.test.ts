/** Temporary cards (A4): issued without documents, `<master index>:9`, expiring, merged into a formal card. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CardsServiceEnv, createCardsServiceEnv } from '../../testing/cards-service-env.js';
import { BACKENDS } from '../../testing/test-backends.js';
import { verifyAuditChain } from '../audit/audit.service.js';
import type { CardActor } from './cards.service.js';

const ZHANG = { idType: '01', idNo: '11010020171225006X', name: '张三', gender: '2', birthday: '2017-12-25' };
const REGISTRY = [`01,${ZHANG.idNo},${ZHANG.name},2,2017-12-25,01,北京市东城区,110101,`];
const HIS: CardActor = {
  kind: 'app',
  appId: 'his-app',
  orgCode: '12370100MB0000001X',
  scopes: ['register', 'verify', 'query', 'report'],
};
const SCAN = { terminalCode: '12370100MB0000001X0100', channelCode: '01', departmentCode: '0100' };

describe.each(BACKENDS)('temporary cards on %s', (backend) => {
  let t: CardsServiceEnv;

  beforeEach(async () => {
    t = await createCardsServiceEnv(backend, REGISTRY);
  });
  afterEach(async () => t.close());

  const usesOf = async (ehcId: string) =>
    t.database.db
      .selectFrom('card_use')
      .select(['ehc_id', 'scene_code'])
      .where('ehc_id', '=', ehcId)
      .orderBy('scene_code')
      .execute();

  it('issues without documents, verifies `<master index>:9` until it expires, then refuses it', async () => {
    const issued = await t.cards.issueTemporaryCard(HIS, { channel: '0100' });
    expect(issued.code).toMatch(/^[0-9A-F]{64}:9$/);
    expect(issued.code).toBe(`${issued.card.masterIndex}:9`);
    expect(issued.card).toMatchObject({
      kind: 'temporary',
      status: 'active',
      verificationLevel: 'none',
      holder: { name: null, birthday: null, gender: '0' },
    });
    expect(issued.expiresAt).toBe(new Date(t.clock.now.getTime() + 72 * 3600_000).toISOString());
    expect(await t.cards.generateCode(HIS, issued.card.ehcId, { type: 'dynamic' })).toEqual({
      text: issued.code,
      expiresAt: issued.expiresAt,
    });

    const verified = await t.cards.verifyCode(HIS, { ...SCAN, sceneCode: '010101', code: issued.code });
    expect(verified).toMatchObject({ ehcId: issued.card.ehcId, kind: 'temporary', presented: 'temporary' });
    expect(await usesOf(issued.card.ehcId)).toHaveLength(1);

    t.clock.now = new Date(t.clock.now.getTime() + 72 * 3600_000);
    await expect(
      t.cards.verifyCode(HIS, { ...SCAN, sceneCode: '010101', code: issued.code }),
    ).rejects.toMatchObject({ code: 'TEMPORARY_CARD_EXPIRED' });
    await expect(t.cards.generateCode(HIS, issued.card.ehcId, { type: 'static' })).rejects.toMatchObject({
      code: 'TEMPORARY_CARD_EXPIRED',
    });
    await expect(
      t.cards.verifyCode(HIS, { ...SCAN, sceneCode: '010101', code: `${'AB'.repeat(32)}:9` }),
    ).rejects.toMatchObject({ code: 'QR_CARD_UNKNOWN' });
    await expect(t.cards.modifyHolder(HIS, issued.card.ehcId, { name: '某人' })).rejects.toMatchObject({
      code: 'CARD_KIND_UNSUPPORTED',
    });
  });

  it('keeps what the holder could tell, checks it, and follows EHC_TEMPORARY_CARD_TTL_HOURS', async () => {
    const short = t.buildService({ temporaryCardTtlHours: 1 });
    const named = await short.issueTemporaryCard(HIS, {
      channel: '0200',
      name: '无名氏',
      gender: '1',
      cellphone: '13812341234',
    });
    expect(named.card.holder).toMatchObject({ name: '无名氏', gender: '1', cellphone: '13812341234' });
    expect(named.expiresAt).toBe(new Date(t.clock.now.getTime() + 3600_000).toISOString());
    const other = await short.issueTemporaryCard(HIS, { channel: '0200' });
    expect(other.card.masterIndex).not.toBe(named.card.masterIndex);
    for (const [input, code] of [
      [{ channel: '9999' }, 'CHANNEL_INVALID'],
      [{ channel: '0100', name: '<script>' }, 'NAME_INVALID'],
      [{ channel: '0100', gender: '5' }, 'GENDER_INVALID'],
      [{ channel: '0100', birthday: '2030-01-01' }, 'BIRTHDAY_INVALID'],
      [{ channel: '0100', cellphone: '12345' }, 'PHONE_INVALID'],
    ] as const) {
      await expect(t.cards.issueTemporaryCard(HIS, input)).rejects.toMatchObject({ code });
    }
  });

  it('merges into a formal card with its card-use records; the temporary card ends merged and cancelled', async () => {
    const temporary = await t.cards.issueTemporaryCard(HIS, { channel: '0100' });
    await t.cards.verifyCode(HIS, { ...SCAN, sceneCode: '010101', code: temporary.code });
    await t.cards.verifyCode(HIS, { ...SCAN, sceneCode: '0101051', code: temporary.code });
    const { card: formal } = await t.cards.registerCard(HIS, { ...ZHANG, channel: '0100' });

    await expect(t.cards.mergeTemporaryCard(HIS, formal.ehcId, temporary.card.ehcId)).rejects.toMatchObject({
      code: 'CARD_KIND_UNSUPPORTED',
    });
    const other = await t.cards.issueTemporaryCard(HIS, { channel: '0100' });
    await expect(
      t.cards.mergeTemporaryCard(HIS, temporary.card.ehcId, other.card.ehcId),
    ).rejects.toMatchObject({ code: 'MERGE_TARGET_INVALID' });

    // Merging works after expiry too: that is when the holder comes back with documents.
    t.clock.now = new Date(t.clock.now.getTime() + 100 * 3600_000);
    const merged = await t.cards.mergeTemporaryCard(HIS, temporary.card.ehcId, formal.ehcId);
    expect(merged).toMatchObject({ card: { ehcId: formal.ehcId }, movedCardUses: 2, duplicates: 0 });
    expect(await usesOf(temporary.card.ehcId)).toEqual([]);
    expect((await usesOf(formal.ehcId)).map((use) => use.scene_code)).toEqual(['010101', '0101051']);

    const temporaryView = await t.cards.getCard(HIS, temporary.card.ehcId);
    expect(temporaryView.status).toBe('cancelled');
    const history = await t.cards.history(HIS, temporary.card.ehcId);
    expect(history.map((event) => [event.event, event.reason])).toEqual([
      ['issued', 'temporary'],
      ['merged', 'merged'],
    ]);
    expect(history[1]?.changes).toEqual({ mergedInto: formal.ehcId, cardUses: 2, duplicates: 0 });
    expect((await t.cards.history(HIS, formal.ehcId)).map((event) => event.event)).toEqual([
      'issued',
      'card_uses_merged',
    ]);

    await expect(
      t.cards.verifyCode(HIS, { ...SCAN, sceneCode: '010101', code: temporary.code }),
    ).rejects.toMatchObject({ code: 'TEMPORARY_CARD_MERGED', details: { mergedInto: formal.ehcId } });
    await expect(t.cards.mergeTemporaryCard(HIS, temporary.card.ehcId, formal.ehcId)).rejects.toMatchObject({
      code: 'TEMPORARY_CARD_MERGED',
    });
    expect(await verifyAuditChain(t.database.db)).toMatchObject({ intact: true });
  });
});
