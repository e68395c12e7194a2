/**
 * Signed REST requests (EHC-FORMATS §7). The client below is written from the published rule
 * with node:crypto's own SM3 (OpenSSL), not with the server's code.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/institutions-app.js';
import { BACKENDS } from '../testing/test-backends.js';
import { requireAppScope } from './app-auth.js';

interface SignOptions {
  appId: string;
  secret: string;
  method?: string;
  url?: string;
  body?: string;
  timestamp?: number;
  nonce?: string;
}

function signedRequest({
  appId,
  secret,
  method = 'GET',
  url = '/api/v1/whoami',
  body = '',
  timestamp = Date.now(),
  nonce = randomBytes(12).toString('hex'),
}: SignOptions) {
  const bodyDigest = createHash('sm3').update(body, 'utf8').digest('hex');
  const text = [method, url, String(timestamp), nonce, bodyDigest].join('\n');
  const signature = createHmac('sm3', secret).update(text, 'utf8').digest('hex');
  return {
    method: method as 'GET' | 'POST',
    url,
    headers: {
      'x-ehc-app-id': appId,
      'x-ehc-timestamp': String(timestamp),
      'x-ehc-nonce': nonce,
      'x-ehc-signature': signature,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { payload: body } : {}),
  };
}

describe.each(BACKENDS)('signed /api/v1 requests on %s', (backend) => {
  let t: TestApp;
  let orgCode: string;
  let appId: string;
  let secret: string;

  beforeAll(async () => {
    t = await createTestApp(backend, {
      beforeReady(app) {
        app.post('/api/v1/test/report', { preHandler: requireAppScope('report') }, async (request) => ({
          appId: request.appPrincipal?.appId,
          body: request.body,
        }));
        app.get('/api/v1/test/admin', { preHandler: requireAppScope('admin') }, async () => ({ ok: true }));
      },
    });
    orgCode = `S${randomBytes(5).toString('hex').toUpperCase()}`;
    await t.admin('POST', '/api/admin/orgs', { orgCode, name: '医院', region: '370100' });
    const created = await t.admin('POST', '/api/admin/apps', {
      orgCode,
      name: 'HIS',
      scopes: ['verify', 'report'],
    });
    appId = created.body.app.appId;
    secret = created.body.appSecret;
  });
  afterAll(async () => t?.close());

  it('authenticates a signed request and names the app', async () => {
    const response = await t.app.inject(signedRequest({ appId, secret }));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ appId, orgCode, scopes: ['verify', 'report'] });
  });

  it('signs the path with its query string and the SM3 of the raw body', async () => {
    const query = await t.app.inject(signedRequest({ appId, secret, url: '/api/v1/whoami?x=1&y=%E4%B8%AD' }));
    expect(query.statusCode).toBe(200);
    const body = JSON.stringify({ records: [{ n: 1 }], name: '张三' });
    const post = await t.app.inject(
      signedRequest({ appId, secret, method: 'POST', url: '/api/v1/test/report', body }),
    );
    expect(post.statusCode).toBe(200);
    expect(post.json()).toEqual({ appId, body: JSON.parse(body) });
    // The same signature over a changed body fails.
    const tampered = signedRequest({ appId, secret, method: 'POST', url: '/api/v1/test/report', body });
    tampered.payload = body.replace('张三', '李四');
    expect((await t.app.inject(tampered)).json().error.code).toBe('SIGNATURE_INVALID');
  });

  it('rejects a replayed nonce, a stale timestamp, a bad signature, an unknown app and missing headers', async () => {
    const request = signedRequest({ appId, secret });
    expect((await t.app.inject(request)).statusCode).toBe(200);
    const replay = await t.app.inject(request);
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.code).toBe('REQUEST_REPLAYED');

    for (const offset of [-6 * 60_000, 6 * 60_000]) {
      const stale = await t.app.inject(signedRequest({ appId, secret, timestamp: Date.now() + offset }));
      expect(stale.statusCode).toBe(401);
      expect(stale.json().error.code).toBe('TIMESTAMP_STALE');
    }
    const wrong = await t.app.inject(signedRequest({ appId, secret: 'f'.repeat(32) }));
    expect(wrong.json().error.code).toBe('SIGNATURE_INVALID');
    const unknown = await t.app.inject(signedRequest({ appId: 'nosuchapp', secret }));
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().error.code).toBe('APP_UNKNOWN');
    const bare = await t.app.inject({
      method: 'GET',
      url: '/api/v1/whoami',
      headers: { 'x-ehc-app-id': appId },
    });
    expect(bare.json().error).toMatchObject({
      code: 'SIGNATURE_HEADERS_MISSING',
      details: { missing: ['X-EHC-Timestamp', 'X-EHC-Nonce', 'X-EHC-Signature'] },
    });
  });

  it('refuses a body over the limit before hashing it whole', async () => {
    const body = JSON.stringify({ pad: 'x'.repeat(1024 * 1024 + 10) });
    const response = await t.app.inject(
      signedRequest({ appId, secret, method: 'POST', url: '/api/v1/test/report', body }),
    );
    expect(response.statusCode).toBe(413);
    expect(response.json().error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses a route whose scope the app lacks, naming the scope', async () => {
    const response = await t.app.inject(signedRequest({ appId, secret, url: '/api/v1/test/admin' }));
    expect(response.statusCode).toBe(403);
    expect(response.json().error).toMatchObject({ code: 'FORBIDDEN', details: { missingScope: 'admin' } });
    expect(response.json().error.message).toContain('"admin"');
  });

  it('accepts the previous secret during the rotation overlap and not after', async () => {
    const created = await t.admin('POST', '/api/admin/apps', {
      orgCode,
      name: 'rotating',
      scopes: ['query'],
    });
    const id = created.body.app.appId;
    const old = created.body.appSecret;
    const rotated = await t.admin('POST', `/api/admin/apps/${id}/rotate`, { overlapSeconds: 1 });
    const fresh = rotated.body.appSecret;
    expect((await t.app.inject(signedRequest({ appId: id, secret: old }))).statusCode).toBe(200);
    expect((await t.app.inject(signedRequest({ appId: id, secret: fresh }))).statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect((await t.app.inject(signedRequest({ appId: id, secret: old }))).json().error.code).toBe(
      'SIGNATURE_INVALID',
    );
    expect((await t.app.inject(signedRequest({ appId: id, secret: fresh }))).statusCode).toBe(200);

    // Overlap 0 ends the previous secret at once.
    const again = await t.admin('POST', `/api/admin/apps/${id}/rotate`, { overlapSeconds: 0 });
    expect((await t.app.inject(signedRequest({ appId: id, secret: fresh }))).json().error.code).toBe(
      'SIGNATURE_INVALID',
    );
    expect((await t.app.inject(signedRequest({ appId: id, secret: again.body.appSecret }))).statusCode).toBe(
      200,
    );
  });

  it('limits each app to its requests per minute with Retry-After', async () => {
    const created = await t.admin('POST', '/api/admin/apps', {
      orgCode,
      name: 'slow',
      scopes: ['query'],
      rateLimitPerMinute: 2,
    });
    const id = created.body.app.appId;
    const key = created.body.appSecret;
    expect((await t.app.inject(signedRequest({ appId: id, secret: key }))).statusCode).toBe(200);
    expect((await t.app.inject(signedRequest({ appId: id, secret: key }))).statusCode).toBe(200);
    const limited = await t.app.inject(signedRequest({ appId: id, secret: key }));
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Another app is not affected.
    expect((await t.app.inject(signedRequest({ appId, secret }))).statusCode).toBe(200);
  });

  it('refuses the apps of a disabled institution', async () => {
    const code = `D${randomBytes(5).toString('hex').toUpperCase()}`;
    await t.admin('POST', '/api/admin/orgs', { orgCode: code, name: '停用', region: '370100' });
    const created = await t.admin('POST', '/api/admin/apps', { orgCode: code, name: 'x', scopes: ['query'] });
    await t.admin('PATCH', `/api/admin/orgs/${code}`, { valid: false });
    const response = await t.app.inject(
      signedRequest({ appId: created.body.app.appId, secret: created.body.appSecret }),
    );
    expect(response.json().error.code).toBe('APP_UNKNOWN');
  });
});

describe.runIf(BACKENDS.includes('postgres'))(
  'signed requests across two server processes on postgres',
  () => {
    let t: TestApp;
    let second: { app: import('fastify').FastifyInstance; close(): Promise<void> };

    beforeAll(async () => {
      t = await createTestApp('postgres');
      // A second app on the same database, as a second server process would be.
      const { openNodeRuntime } = await import('../node-runtime.js');
      const { buildApp } = await import('../app.js');
      const { createLogger } = await import('../lib/logger.js');
      const runtime = await openNodeRuntime(t.environment.config, { command: 'test-second' });
      const app = await buildApp(t.environment.config, {
        database: runtime.database,
        cipher: runtime.cipher,
        logger: createLogger('silent'),
        operatorToken: runtime.operatorToken,
      });
      await app.ready();
      second = {
        app,
        async close() {
          await app.close();
          await runtime.close();
        },
      };
    });
    afterAll(async () => {
      await second?.close();
      await t?.close();
    });

    it('refuses on one process a nonce used on the other, and sees the other one rotation at once', async () => {
      const created = await t.admin('POST', '/api/admin/apps', { name: 'shared', scopes: ['query'] });
      const client = { appId: created.body.app.appId, secret: created.body.appSecret };
      const request = signedRequest(client);
      expect((await t.app.inject(request)).statusCode).toBe(200);
      expect((await second.app.inject(request)).json().error.code).toBe('REQUEST_REPLAYED');

      // The second process has cached the credentials; a rotation through the first is seen at once.
      expect((await second.app.inject(signedRequest(client))).statusCode).toBe(200);
      const rotated = await t.admin('POST', `/api/admin/apps/${client.appId}/rotate`, { overlapSeconds: 0 });
      const fresh = { appId: client.appId, secret: rotated.body.appSecret };
      expect((await second.app.inject(signedRequest(fresh))).statusCode).toBe(200);
    });
  },
);
