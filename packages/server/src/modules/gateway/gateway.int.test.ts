/**
 * The ehc.* gateway, driven by a client written from EHC-FORMATS §4 alone with node:crypto
 * (OpenSSL's SM4, SM3, AES and SHA-256), never with the server's own code.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/institutions-app.js';
import { BACKENDS } from '../../testing/test-backends.js';

interface Client {
  appId: string;
  secret: string;
  base64?: boolean;
  plaintextDigest?: boolean;
  intl?: boolean;
}

function encrypt(client: Client, text: string): string {
  const cipher = createCipheriv(
    client.intl ? 'aes-128-ecb' : 'sm4-ecb',
    Buffer.from(client.secret, 'hex'),
    null,
  );
  const bytes = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return bytes.toString(client.base64 ? 'base64' : 'hex');
}

function decrypt(client: Client, text: string): string {
  const decipher = createDecipheriv(
    client.intl ? 'aes-128-ecb' : 'sm4-ecb',
    Buffer.from(client.secret, 'hex'),
    null,
  );
  const bytes = Buffer.from(text, client.base64 ? 'base64' : 'hex');
  return Buffer.concat([decipher.update(bytes), decipher.final()]).toString('utf8');
}

function digestOf(client: Client, fields: Record<string, string>, plaintextBiz?: string): string {
  const pairs = Object.entries(fields)
    .filter(([key]) => key !== 'digest')
    .map(([key, value]): [string, string] => [
      key,
      key === 'biz_content' && client.plaintextDigest ? (plaintextBiz ?? '') : value,
    ])
    .filter(([, value]) => value !== '')
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
  const text = client.plaintextDigest ? `${pairs}&app_secret=${client.secret}` : `${pairs}${client.secret}`;
  return createHash(client.intl ? 'sha256' : 'sm3')
    .update(text, 'utf8')
    .digest('hex');
}

function envelope(client: Client, method: string, biz: unknown, overrides: Record<string, string> = {}) {
  const plaintext = JSON.stringify(biz);
  const fields: Record<string, string> = {
    app_id: client.appId,
    method,
    biz_content: encrypt(client, plaintext),
    digest_type: client.intl ? 'SHA256' : 'SM3',
    enc_type: client.intl ? 'AES' : 'SM4',
    term_id: '',
    timestamp: String(Date.now()),
    version: 'X.M.0.1',
    ...overrides,
  };
  fields['digest'] = digestOf(client, fields, plaintext);
  return fields;
}

describe.each(BACKENDS)('ehc.* gateway on %s', (backend) => {
  let t: TestApp;
  let admin: Client;
  let query: Client;

  const post = async (body: unknown, url = '/gateway') => {
    const response = await t.app.inject({ method: 'POST', url, payload: body as object });
    expect(response.statusCode).toBe(200);
    return response.json() as Record<string, string>;
  };

  /** Checks the response digest and decrypts its biz_content. */
  const open = (client: Client, response: Record<string, string>) => {
    const plaintext = response['biz_content'] ? decrypt(client, response['biz_content']) : '';
    expect(response['digest']).toBe(digestOf(client, response, plaintext));
    return plaintext ? JSON.parse(plaintext) : undefined;
  };

  const newApp = async (scopes: string[], compat?: object): Promise<Client> => {
    const created = await t.admin('POST', '/api/admin/apps', {
      name: 'gw',
      scopes,
      ...(compat ? { compat } : {}),
    });
    return { appId: created.body.app.appId, secret: created.body.appSecret };
  };

  beforeAll(async () => {
    t = await createTestApp(backend);
    admin = await newApp(['admin', 'query']);
    query = await newApp(['query']);
  });
  afterAll(async () => t?.close());

  it('adds, updates and queries an institution through addorg, updateorg and queryorg, on every path', async () => {
    const orgcode = `G${randomBytes(5).toString('hex').toUpperCase()}`;
    const added = await post(
      envelope(admin, 'ehc.ehealthcode.addorg', {
        orgcode,
        orgname: '青岛市市立医院',
        orgaddr: '370202',
        orglevel: '三级甲等',
        orgproperty: '综合医院',
        valid: '1',
      }),
    );
    expect(added).toMatchObject({ code: '10', message: 'success' });
    expect(open(admin, added)).toMatchObject({ result: 'success', orgcode, orgaddr: '370202', valid: '1' });

    const updated = await post(
      envelope(admin, 'ehc.ehealthcode.updateorg', { orgcode, orglevel: '三级乙等' }),
      '/ehcService/gateway.do',
    );
    expect(open(admin, updated)).toMatchObject({ orgcode, orglevel: '三级乙等' });

    const queried = await post(
      envelope(query, 'ehc.ehealthcode.queryorg', { orgcode }),
      '/erhc/ehealthcard/business.do',
    );
    expect(queried.code).toBe('10');
    expect(open(query, queried)).toEqual({
      orgcode,
      orgname: '青岛市市立医院',
      orgproperty: '综合医院',
      orgaddr: '370202',
      orglevel: '三级乙等',
      valid: '1',
    });
    expect((await t.admin('GET', `/api/admin/orgs/${orgcode}`)).body.level).toBe('三级乙等');
  });

  it('answers failures with code 00, the platform error as sub_code, digested', async () => {
    const failed = async (client: Client, body: unknown) => {
      const response = await post(body);
      expect(response['code']).toBe('00');
      expect(response['biz_content']).toBe('');
      open(client, response);
      return response['sub_code'];
    };
    expect(await failed(admin, envelope(admin, 'ehc.nothing.here', {}))).toBe('GATEWAY_METHOD_UNKNOWN');
    expect(await failed(query, envelope(query, 'ehc.ehealthcode.addorg', { orgcode: 'X1' }))).toBe(
      'FORBIDDEN',
    );
    expect(await failed(query, envelope(query, 'ehc.ehealthcode.queryorg', { orgcode: 'NOSUCHORG0' }))).toBe(
      'ORG_NOT_FOUND',
    );
    expect(
      await failed(
        admin,
        envelope(admin, 'ehc.ehealthcode.addorg', { orgcode: 'GX1', orgname: 'x', orgaddr: '990000' }),
      ),
    ).toBe('REGION_INVALID');
    expect(await failed(admin, envelope(admin, 'ehc.ehealthcode.addorg', { orgname: 'x' }))).toBe(
      'GATEWAY_BIZ_CONTENT_INVALID',
    );

    const tampered = envelope(query, 'ehc.ehealthcode.queryorg', { orgcode: 'A1' });
    tampered['method'] = 'ehc.ehealthcode.addorg';
    expect(await failed(query, tampered)).toBe('GATEWAY_DIGEST_INVALID');

    const stale = envelope(
      query,
      'ehc.ehealthcode.queryorg',
      {},
      { timestamp: String(Date.now() - 6 * 60_000) },
    );
    expect(await failed(query, stale)).toBe('TIMESTAMP_STALE');

    const garbage = envelope(query, 'ehc.ehealthcode.queryorg', {}, { biz_content: 'zz' });
    expect(await failed(query, garbage)).toBe('GATEWAY_BIZ_CONTENT_INVALID');

    // Unknown app: no secret to digest with, so digest is empty.
    const unknown = await post(
      envelope({ appId: 'nosuchapp', secret: 'a'.repeat(32) }, 'ehc.ehealthcode.queryorg', {}),
    );
    expect(unknown).toMatchObject({ code: '00', sub_code: 'APP_UNKNOWN', digest: '' });
    expect(await post({ app_id: admin.appId, method: 1 })).toMatchObject({
      code: '00',
      sub_code: 'GATEWAY_REQUEST_INVALID',
    });
    const notJson = await t.app.inject({
      method: 'POST',
      url: '/gateway',
      headers: { 'content-type': 'application/json' },
      payload: '{',
    });
    expect(notJson.statusCode).toBe(200);
    expect(notJson.json()).toMatchObject({ code: '00', sub_code: 'GATEWAY_REQUEST_INVALID' });
    const huge = await t.app.inject({
      method: 'POST',
      url: '/gateway',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ app_id: 'x', pad: 'x'.repeat(1024 * 1024) }),
    });
    expect(huge.statusCode).toBe(200);
    expect(huge.json()).toMatchObject({ code: '00', sub_code: 'PAYLOAD_TOO_LARGE' });
  });

  it('rejects a replay (the same digest within the window)', async () => {
    const body = envelope(query, 'ehc.ehealthcode.queryorg', { orgcode: 'NOSUCHORG0' });
    expect((await post(body))['sub_code']).toBe('ORG_NOT_FOUND');
    expect((await post(body))['sub_code']).toBe('REQUEST_REPLAYED');
  });

  it('speaks each compatibility option of the app: Base64, plaintext digest with app_secret, AES/SHA-256', async () => {
    const orgcode = `H${randomBytes(5).toString('hex').toUpperCase()}`;
    await t.admin('POST', '/api/admin/orgs', { orgCode: orgcode, name: '兼容医院', region: '370100' });
    const profiles = [
      { bizContentEncoding: 'base64' },
      { digestMode: 'plaintext_with_secret' },
      { algorithms: 'intl' },
      { bizContentEncoding: 'base64', digestMode: 'plaintext_with_secret', algorithms: 'intl' },
    ] as const;
    for (const compat of profiles) {
      const created = await newApp(['query'], compat);
      const client: Client = {
        ...created,
        base64: 'bizContentEncoding' in compat,
        plaintextDigest: 'digestMode' in compat,
        intl: 'algorithms' in compat,
      };
      const response = await post(envelope(client, 'ehc.ehealthcode.queryorg', { orgcode }));
      expect(response['code'], JSON.stringify(compat)).toBe('10');
      expect(open(client, response).orgname).toBe('兼容医院');
      // The default profile's client is refused by such an app.
      const plain = await post(
        envelope({ appId: client.appId, secret: client.secret }, 'ehc.ehealthcode.queryorg', { orgcode }),
      );
      expect(plain['code']).toBe('00');
    }
  });

  it('accepts the previous secret during the rotation overlap', async () => {
    const client = await newApp(['query']);
    const rotated = await t.admin('POST', `/api/admin/apps/${client.appId}/rotate`, { overlapSeconds: 60 });
    const fresh: Client = { appId: client.appId, secret: rotated.body.appSecret };
    for (const c of [client, fresh]) {
      const response = await post(envelope(c, 'ehc.ehealthcode.queryorg', { orgcode: 'NOSUCHORG0' }));
      expect(response['sub_code']).toBe('ORG_NOT_FOUND');
      open(c, response); // answered under the secret the request used
    }
  });

  it('lets other modules register methods', async () => {
    expect(() =>
      t.app.registerGatewayMethod({
        method: 'ehc.ehealthcode.queryorg',
        scope: 'query',
        handler: async () => ({}),
      }),
    ).toThrow(/registered twice/);
  });
});
