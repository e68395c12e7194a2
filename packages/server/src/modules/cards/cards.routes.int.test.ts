/** The card REST API through signed requests (EHC-FORMATS §7), with an independent signer. */
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/institutions-app.js';
import { type AppCredentials, signedInject } from '../../testing/signed-request.js';
import { BACKENDS } from '../../testing/test-backends.js';
import { importRegistryLines } from '../identity/registry-import.js';
import { createPersonalDataProtector } from '../personal-data/personal-data.service.js';

const ORG = '12370100MB0000001X';
const PERSON = {
  id_type: '01',
  id_no: '11010020171225006X',
  name: '张三',
  gender: '2',
  birthday: '2017-12-25',
  cellphone: '13812341234',
  channel: '0100',
};

type Credentials = AppCredentials;

describe.each(BACKENDS)('card REST API on %s', (backend) => {
  let t: TestApp;
  let his: Credentials;
  let reportOnly: Credentials;

  const call = (credentials: Credentials, method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown) =>
    signedInject(t.app, credentials, method, url, body);

  beforeAll(async () => {
    t = await createTestApp(backend);
    await t.admin('POST', '/api/admin/orgs', { orgCode: ORG, name: '济南市第一人民医院', region: '370102' });
    const created = await t.admin('POST', '/api/admin/apps', {
      orgCode: ORG,
      name: 'HIS',
      scopes: ['register', 'verify', 'query', 'report'],
    });
    his = { appId: created.body.app.appId, secret: created.body.appSecret };
    const reporter = await t.admin('POST', '/api/admin/apps', {
      orgCode: ORG,
      name: 'reporter',
      scopes: ['report'],
    });
    reportOnly = { appId: reporter.body.app.appId, secret: reporter.body.appSecret };
    const protector = await createPersonalDataProtector(t.runtime.database.db, t.runtime.cipher);
    async function* lines() {
      yield 'id_type,id_no,name,gender,birthday,nation,address,region,deceased_on';
      yield `01,${PERSON.id_no},张三,2,2017-12-25,01,北京市东城区,110101,`;
    }
    await importRegistryLines(t.runtime.database.db, protector, lines());
  });
  afterAll(async () => t?.close());

  it('registers (201, then 200 for the same person), reads, and looks up by ID document', async () => {
    const first = await call(his, 'POST', '/api/v1/cards', { ...PERSON, register_no: 'R-100' });
    expect(first.statusCode).toBe(201);
    const card = first.json();
    expect(card).toMatchObject({
      created: true,
      status: 'active',
      holder: { id_no: PERSON.id_no, masked: false },
    });
    expect(card.ehealth_code).toBe(`${card.ehealth_card_id}:1`);
    const again = await call(his, 'POST', '/api/v1/cards', PERSON);
    expect(again.statusCode).toBe(200);
    expect(again.json().ehealth_card_id).toBe(card.ehealth_card_id);
    expect((await call(his, 'GET', `/api/v1/cards/${card.ehealth_card_id}`)).json().holder.name).toBe('张三');
    const found = await call(his, 'POST', '/api/v1/cards/lookup', { id_type: '01', id_no: PERSON.id_no });
    expect(found.json().ehealth_card_id).toBe(card.ehealth_card_id);
  });

  it('answers holder-rule errors in the error envelope with their own codes', async () => {
    const response = await call(his, 'POST', '/api/v1/cards', { ...PERSON, birthday: '2017-12-24' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      error: { code: 'ID_NUMBER_BIRTHDAY_MISMATCH', details: { field: 'birthday' } },
    });
    expect(response.body).not.toContain(PERSON.id_no);
    const unknown = await call(his, 'GET', `/api/v1/cards/${'0'.repeat(64)}`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('CARD_NOT_FOUND');
  });

  it('generates a dynamic code as text and image, verifies it, and reports card use', async () => {
    const { ehealth_card_id: ehcId } = (await call(his, 'POST', '/api/v1/cards', PERSON)).json();
    const code = await call(his, 'POST', `/api/v1/cards/${ehcId}/code`, { type: 'dynamic' });
    expect(code.statusCode).toBe(200);
    expect(code.json().ehealth_code).toMatch(/^[0-9A-F]{64}:0:[0-9A-F]{32}$/);

    const image = await call(his, 'GET', `/api/v1/cards/${ehcId}/code/image?type=static&format=png`);
    expect(image.statusCode).toBe(200);
    expect(image.headers['content-type']).toBe('image/png');
    expect(PNG.sync.read(image.rawPayload).width).toBeGreaterThan(100);
    const svg = await call(his, 'GET', `/api/v1/cards/${ehcId}/code/image?format=svg`);
    expect(svg.headers['content-type']).toContain('image/svg+xml');

    const verified = await call(his, 'POST', '/api/v1/verifications', {
      ehealth_code: code.json().ehealth_code,
      medstepcode: '010101',
      terminalcode: `${ORG}0100`,
      channelcode: '01',
      depcode: '0100',
    });
    expect(verified.statusCode).toBe(200);
    expect(verified.json()).toMatchObject({
      ehealth_card_id: ehcId,
      presented: 'dynamic',
      holder: { id_no: PERSON.id_no },
    });

    const record = {
      ehealth_card_id: ehcId,
      medstep_code: '0101051',
      terminal_code: `${ORG}0100`,
      channel_code: '01',
      use_time: '2026-11-22T16:00:00+08:00',
      cost_type: '0100',
    };
    const reported = await call(reportOnly, 'POST', '/api/v1/card-uses', { records: [record] });
    expect(reported.json()).toEqual({ accepted: 1, recorded: 1, duplicates: 0 });
    const retried = await call(reportOnly, 'POST', '/api/v1/card-uses', { records: [record] });
    expect(retried.json()).toEqual({ accepted: 1, recorded: 0, duplicates: 1 });
  });

  it('checks scopes: a report-only app may not verify or read cards', async () => {
    const forbidden = await call(reportOnly, 'POST', '/api/v1/verifications', {
      ehealth_code: `${'A'.repeat(64)}:1`,
      medstepcode: '010101',
      terminalcode: `${ORG}0100`,
      channelcode: '01',
    });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error).toMatchObject({ code: 'FORBIDDEN', details: { missingScope: 'verify' } });
  });

  it('freezes, cancels and keeps the history', async () => {
    const { ehealth_card_id: ehcId } = (await call(his, 'POST', '/api/v1/cards', PERSON)).json();
    expect((await call(his, 'POST', `/api/v1/cards/${ehcId}/freeze`, { reason: '挂失' })).json().status).toBe(
      'frozen',
    );
    const changed = await call(his, 'PATCH', `/api/v1/cards/${ehcId}/holder`, { cellphone: '13900001111' });
    expect(changed.json().holder.cellphone).toBe('13900001111');
    const history = await call(his, 'GET', `/api/v1/cards/${ehcId}/history`);
    expect(history.json().events.map((event: { event: string }) => event.event)).toEqual([
      'issued',
      'frozen',
      'holder_modified',
    ]);
  });
});
