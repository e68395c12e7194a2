import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { AppError } from './lib/errors.js';
import { MIGRATIONS } from './migrations/index.js';
import { type NodeRuntime, openNodeRuntime } from './node-runtime.js';
import { captureLogs } from './testing/logs.js';
import { BACKENDS, createTestEnvironment, type TestEnvironment } from './testing/test-backends.js';

const OPERATOR_TOKEN = 'test-operator-token-0123456789abcdef';

describe.each(BACKENDS)('HTTP app on %s', (backend) => {
  let environment: TestEnvironment;
  let runtime: NodeRuntime;
  let app: FastifyInstance;
  const logs = captureLogs('info');

  beforeAll(async () => {
    environment = await createTestEnvironment(backend, { EHC_OPERATOR_TOKEN: OPERATOR_TOKEN });
    if (backend === 'postgres') {
      // PostgreSQL is migrated and keyed on purpose, as an operator would.
      const { openDatabase } = await import('./db/database.js');
      const { migrateToLatest } = await import('./db/migrate.js');
      const { initialiseKeys, resolveMasterKey } = await import('./cipher/keys.service.js');
      const database = await openDatabase(environment.config.database, { command: 'test' });
      await migrateToLatest(database.db);
      await initialiseKeys(database.db, resolveMasterKey(environment.config));
      await database.close();
    }
    runtime = await openNodeRuntime(environment.config, { command: 'test' });
    app = await buildApp(environment.config, {
      database: runtime.database,
      cipher: runtime.cipher,
      logger: logs.logger,
      operatorToken: runtime.operatorToken,
    });
    // Routes that exist only in this test, to drive the error handler.
    app.post(
      '/test/validated',
      {
        schema: {
          body: Type.Object({ id_no: Type.String({ minLength: 18 }), age: Type.Integer({ minimum: 0 }) }),
        },
      },
      async () => ({ ok: true }),
    );
    app.get('/test/crash', async () => {
      throw new Error('database password=hunter2 failed for 11010020171225006X');
    });
    app.get('/test/conflict', async () => {
      throw new AppError('CONFLICT', 'that card is already active', { cardId: 'x' });
    });
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
    await runtime?.close();
    await environment?.cleanup();
  });

  it('answers /healthz', async () => {
    const response = await app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('is ready when the database is reachable, migrations current and keys loaded', async () => {
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.status).toBe('ready');
    expect(body.checks.migrations).toEqual({
      ok: true,
      applied: Object.keys(MIGRATIONS).length,
      pending: [],
    });
  });

  it('gives each response a request id, keeping a sane incoming one', async () => {
    const fresh = await app.inject({ method: 'GET', url: '/healthz' });
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'his-req-00012345' },
    });
    expect(kept.headers['x-request-id']).toBe('his-req-00012345');
    const replaced = await app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'bad id <script>' },
    });
    expect(replaced.headers['x-request-id']).not.toBe('bad id <script>');
  });

  it('publishes OpenAPI 3.1 and the API reference page', async () => {
    const spec = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(spec.statusCode).toBe(200);
    expect(spec.json().openapi).toBe('3.1.0');
    expect(Object.keys(spec.json().paths)).toEqual(
      expect.arrayContaining(['/healthz', '/readyz', '/api/admin/keys/public']),
    );
    const docs = await app.inject({ method: 'GET', url: '/docs' });
    const page =
      docs.statusCode === 302
        ? await app.inject({ method: 'GET', url: docs.headers.location as string })
        : docs;
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('swagger');
  });

  it('exposes Prometheus metrics including request durations', async () => {
    await app.inject({ method: 'GET', url: '/healthz' });
    const response = await app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.body).toMatch(/ehc_http_request_duration_seconds_count\{[^}]*route="\/healthz"/);
    expect(response.body).toContain('process_cpu_user_seconds_total');
  });

  it('reports unknown routes with ROUTE_NOT_FOUND', async () => {
    const response = await app.inject({ method: 'GET', url: '/nope?x=1' });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('ROUTE_NOT_FOUND');
    expect(response.json().error.message).toContain('/nope');
  });

  it('reports every validation issue with VALIDATION_FAILED', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/test/validated',
      payload: { id_no: 'short', age: -1 },
    });
    expect(response.statusCode).toBe(400);
    const { error } = response.json();
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details.issues.map((issue: { path: string }) => issue.path).sort()).toEqual([
      '/age',
      '/id_no',
    ]);
    const missing = await app.inject({ method: 'POST', url: '/test/validated', payload: {} });
    expect(
      missing
        .json()
        .error.details.issues.map((issue: { path: string }) => issue.path)
        .sort(),
    ).toEqual(['/age', '/id_no']);
  });

  it('maps malformed JSON and wrong content types to catalogued codes', async () => {
    const malformed = await app.inject({
      method: 'POST',
      url: '/test/validated',
      headers: { 'content-type': 'application/json' },
      payload: '{"id_no":',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.code).toBe('BAD_REQUEST');
    const wrongType = await app.inject({
      method: 'POST',
      url: '/test/validated',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'a=b',
    });
    expect(wrongType.statusCode).toBe(415);
    expect(wrongType.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('returns AppError codes with their status and details', async () => {
    const response = await app.inject({ method: 'GET', url: '/test/conflict' });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toEqual({
      error: { code: 'CONFLICT', message: 'that card is already active', details: { cardId: 'x' } },
    });
  });

  it('hides internals of a 500, returns the request id, and logs the cause masked', async () => {
    const response = await app.inject({ method: 'GET', url: '/test/crash' });
    expect(response.statusCode).toBe(500);
    const { error } = response.json();
    expect(error.code).toBe('INTERNAL_ERROR');
    expect(error.details.requestId).toBe(response.headers['x-request-id']);
    expect(response.body).not.toContain('hunter2');
    expect(response.body).not.toContain('11010020171225006X');
    const logged = logs.text();
    expect(logged).toContain('110***********006X');
    expect(logged).not.toContain('11010020171225006X');
    expect(logged).toContain('"res":{"statusCode":500}');
  });

  it('logs request URLs with identifiers masked', async () => {
    await app.inject({ method: 'GET', url: '/healthz?id_no=11010020171225006X&phone=13812341234' });
    const logged = logs.text();
    expect(logged).toContain('"url":"/healthz?id_no=110***********006X&phone=138****1234"');
    expect(logged).not.toContain('13812341234');
  });

  it('guards the admin API with the operator token', async () => {
    const anonymous = await app.inject({ method: 'GET', url: '/api/admin/keys/public' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().error.code).toBe('UNAUTHORIZED');
    const wrong = await app.inject({
      method: 'GET',
      url: '/api/admin/keys/public',
      headers: { authorization: `Bearer ${OPERATOR_TOKEN.replace('0', '1')}` },
    });
    expect(wrong.statusCode).toBe(401);
    const allowed = await app.inject({
      method: 'GET',
      url: '/api/admin/keys/public',
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
    });
    expect(allowed.statusCode).toBe(200);
    expect(allowed.json().publicKeyHex).toMatch(/^04[0-9a-f]{128}$/);
    expect(allowed.json().publicKeyPem).toContain('BEGIN PUBLIC KEY');
    expect(allowed.json().development).toBe(backend === 'pglite');
  });

  it('serves the built web app at / and explains when it is not built', async () => {
    const webDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ehc-web-'));
    fs.writeFileSync(path.join(webDir, 'index.html'), '<!doctype html><title>电子健康卡平台</title>');
    const deps = { database: runtime.database, cipher: runtime.cipher, logger: logs.logger };
    const withWeb = await buildApp(loadConfig({ ...environment.env, EHC_WEB_DIR: webDir }), deps);
    const page = await withWeb.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('电子健康卡平台');
    await withWeb.close();

    const withoutWeb = await buildApp(
      loadConfig({ ...environment.env, EHC_WEB_DIR: path.join(webDir, 'missing') }),
      deps,
    );
    const hint = await withoutWeb.inject({ method: 'GET', url: '/' });
    expect(hint.json().message).toContain('npm run build');
    await withoutWeb.close();
    fs.rmSync(webDir, { recursive: true, force: true });
  });
});
