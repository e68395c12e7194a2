import { sql } from 'kysely';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.js';
import { initialiseKeys, resolveMasterKey } from '../../cipher/keys.service.js';
import { type DatabaseHandle, openDatabase } from '../../db/database.js';
import { migrateToLatest } from '../../db/migrate.js';
import { openNodeRuntime } from '../../node-runtime.js';
import { runCli } from '../../testing/processes.js';
import { BACKENDS, createTestEnvironment, type TestEnvironment } from '../../testing/test-backends.js';
import { computeAuditHash } from './audit.chain.js';
import {
  chainPendingAuditEntries,
  createAuditLog,
  searchAuditLog,
  verifyAuditChain,
} from './audit.service.js';
import type { AuditEntryInput } from './audit.types.js';

const OPERATOR_TOKEN = 'test-operator-token-0123456789abcdef';

function entry(n: number, extra: Partial<AuditEntryInput> = {}): AuditEntryInput {
  return {
    actor: { kind: 'app', id: `app-${n % 3}` },
    action: n % 2 === 0 ? 'card.verify' : 'card.register',
    subject: { kind: 'card', id: `card-${n}` },
    details: { n, scene: '0101011', nested: { b: 2, a: [1, 'x', null] } },
    requestId: `req-${n}`,
    ...extra,
  };
}

describe.each(BACKENDS)('audit log on %s', (backend) => {
  let environment: TestEnvironment;
  let database: DatabaseHandle;
  const audit = createAuditLog();

  beforeEach(async () => {
    environment = await createTestEnvironment(backend, { EHC_OPERATOR_TOKEN: OPERATOR_TOKEN });
    database = await openDatabase(environment.config.database, { command: 'test' });
    await migrateToLatest(database.db);
  });

  afterEach(async () => {
    await database.close();
    await environment.cleanup();
  });

  it('chains entries appended in the caller’s transaction; a rolled-back one leaves no trace', async () => {
    await database.db.transaction().execute(async (trx) => {
      await audit.append(trx, entry(1));
      await audit.append(trx, entry(2));
    });
    await expect(
      database.db.transaction().execute(async (trx) => {
        await audit.append(trx, entry(3));
        throw new Error('the unit of work failed');
      }),
    ).rejects.toThrow('the unit of work failed');
    await audit.append(database.db, { actor: { kind: 'system', id: 'test' }, action: 'system.start' });

    // Appended unchained; the chainer links them in insertion order.
    expect(await verifyAuditChain(database.db)).toMatchObject({ intact: true, entries: 0, pending: 3 });
    expect(await chainPendingAuditEntries(database.db)).toBe(3);
    expect(await chainPendingAuditEntries(database.db)).toBe(0);
    const rows = await database.db.selectFrom('audit_log').selectAll().orderBy('seq').execute();
    expect(rows.map((row) => String(row.seq))).toEqual(['1', '2', '3']);
    expect(rows[0]?.prev_hash).toBe('0'.repeat(64));
    expect(rows[1]?.prev_hash).toBe(rows[0]?.hash);
    expect(rows[2]?.action).toBe('system.start');
    expect(await verifyAuditChain(database.db)).toEqual({
      intact: true,
      entries: 3,
      lastSeq: '3',
      lastHash: rows[2]?.hash,
      pending: 0,
    });
  });

  it('masks ID and phone numbers that slip into details', async () => {
    await audit.append(
      database.db,
      entry(1, { details: { note: 'holder 11010020171225006X, 13812341234' } }),
    );
    const [row] = await database.db.selectFrom('audit_log').select('details').execute();
    expect(JSON.stringify(row?.details)).not.toContain('11010020171225006X');
    expect(JSON.stringify(row?.details)).not.toContain('13812341234');
    expect((await verifyAuditChain(database.db)).intact).toBe(true);
  });

  it('names the first entry that was altered, removed or re-hashed', async () => {
    for (let n = 1; n <= 12; n += 1) await audit.append(database.db, entry(n));
    // Small batches: the chain must continue correctly from one batch to the next.
    while ((await chainPendingAuditEntries(database.db, { batchSize: 5 })) > 0) {}
    expect(await verifyAuditChain(database.db, { batchSize: 5 })).toMatchObject({
      intact: true,
      entries: 12,
    });

    // Altered content: the entry's own hash no longer matches.
    await sql`update audit_log set details = jsonb_set(details, '{n}', '99') where seq = 7`.execute(
      database.db,
    );
    expect(await verifyAuditChain(database.db, { batchSize: 5 })).toMatchObject({
      intact: false,
      entries: 6,
      firstBad: { seq: '7', reason: 'hash_mismatch' },
    });

    // Re-hashed to hide it: then the next entry no longer points at it.
    const seven = await database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '=', '7')
      .executeTakeFirstOrThrow();
    const rehashed = computeAuditHash(seven.prev_hash as string, {
      seq: '7',
      occurredAt: new Date(seven.occurred_at).toISOString(),
      actor: { kind: seven.actor_kind, id: seven.actor_id },
      action: seven.action,
      subject: { kind: seven.subject_kind ?? '', id: seven.subject_id ?? '' },
      details: seven.details,
      requestId: seven.request_id,
    });
    await sql`update audit_log set hash = ${rehashed} where seq = 7`.execute(database.db);
    expect(await verifyAuditChain(database.db, { batchSize: 5 })).toMatchObject({
      intact: false,
      entries: 7,
      firstBad: { seq: '8', reason: 'prev_hash_mismatch' },
    });

    // A removed entry.
    await sql`delete from audit_log where seq = 3`.execute(database.db);
    expect(await verifyAuditChain(database.db, { batchSize: 5 })).toMatchObject({
      intact: false,
      entries: 2,
      firstBad: { seq: '4', reason: 'seq_gap' },
    });
  });

  it('keeps one unbroken chain when many writers append at once', async () => {
    // On PostgreSQL: separate pools, as separate server processes would have.
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
      const perWriter = backend === 'postgres' ? 30 : 40;
      await Promise.all(
        writers.flatMap((writer, w) =>
          Array.from({ length: perWriter }, (_, i) =>
            writer.db.transaction().execute(async (trx) => {
              await audit.append(trx, entry(w * 1000 + i));
            }),
          ),
        ),
      );
      // Every writer's process chains too; the advisory lock lets one at a time link entries.
      await Promise.all(writers.map((writer) => chainPendingAuditEntries(writer.db, { batchSize: 16 })));
      while ((await chainPendingAuditEntries(database.db, { batchSize: 16 })) > 0) {}
      const report = await verifyAuditChain(database.db, { batchSize: 16 });
      expect(report).toMatchObject({ intact: true, entries: writers.length * perWriter, pending: 0 });
    } finally {
      if (backend === 'postgres') await Promise.all(writers.map((writer) => writer.close()));
    }
  });

  it('searches by action, subject, time and limit, newest first', async () => {
    let clock = new Date('2026-11-01T00:00:00Z').getTime();
    const timed = createAuditLog({
      now: () => {
        clock += 60_000;
        return new Date(clock);
      },
    });
    for (let n = 1; n <= 10; n += 1) await timed.append(database.db, entry(n));
    await chainPendingAuditEntries(database.db);
    const verifies = await searchAuditLog(database.db, { action: 'card.verify' });
    expect(verifies.map((e) => e.subject?.id)).toEqual(['card-10', 'card-8', 'card-6', 'card-4', 'card-2']);
    expect(await searchAuditLog(database.db, { subject: 'card:card-3' })).toHaveLength(1);
    expect(await searchAuditLog(database.db, { subject: 'card-3' })).toHaveLength(1);
    const window = await searchAuditLog(database.db, {
      from: new Date('2026-11-01T00:03:00Z'),
      to: new Date('2026-11-01T00:05:00Z'),
    });
    expect(window.map((e) => e.seq)).toEqual(['5', '4', '3']);
    expect(await searchAuditLog(database.db, { limit: 2 })).toHaveLength(2);
    await expect(searchAuditLog(database.db, { limit: 0 })).rejects.toMatchObject({
      code: 'AUDIT_QUERY_INVALID',
    });
  });

  it('serves verify and search on the admin API, behind the operator token', async () => {
    for (let n = 1; n <= 4; n += 1) await audit.append(database.db, entry(n));
    if (backend === 'postgres') await initialiseKeys(database.db, resolveMasterKey(environment.config));
    await database.close();
    const runtime = await openNodeRuntime(environment.config, { command: 'test' });
    const app = await buildApp(environment.config, {
      database: runtime.database,
      cipher: runtime.cipher,
      logger: pino({ level: 'silent' }),
      operatorToken: runtime.operatorToken,
    });
    try {
      const auth = { authorization: `Bearer ${OPERATOR_TOKEN}` };
      expect((await app.inject({ url: '/api/admin/audit/verify' })).statusCode).toBe(401);
      const verify = await app.inject({ url: '/api/admin/audit/verify', headers: auth });
      expect(verify.json()).toMatchObject({ intact: true, entries: 4, lastSeq: '4' });
      const search = await app.inject({ url: '/api/admin/audit?action=card.verify&limit=1', headers: auth });
      expect(search.statusCode).toBe(200);
      expect(search.json().entries).toHaveLength(1);
      expect(search.json().entries[0]).toMatchObject({
        seq: '4',
        action: 'card.verify',
        actor: { kind: 'app' },
      });
      const bad = await app.inject({ url: '/api/admin/audit?limit=0', headers: auth });
      expect(bad.json().error.code).toBe('VALIDATION_FAILED');
      await sql`update audit_log set action = 'card.read' where seq = 2`.execute(runtime.database.db);
      expect((await app.inject({ url: '/api/admin/audit/verify', headers: auth })).json()).toMatchObject({
        intact: false,
        firstBad: { seq: '2', reason: 'hash_mismatch' },
      });
    } finally {
      await app.close();
      await runtime.close();
      database = await openDatabase(environment.config.database, { command: 'test' });
    }
  });

  it('`ehc audit verify` exits 0 on an intact chain and 1 naming the first bad entry', async () => {
    for (let n = 1; n <= 5; n += 1) await audit.append(database.db, entry(n));
    await database.close();
    const intact = await runCli(['audit', 'verify'], environment.env);
    expect(intact.stderr).not.toMatch(/error/);
    expect(intact.code).toBe(0);
    expect(intact.stdout).toMatch(/audit chain intact: 5 entries, last seq 5/);

    database = await openDatabase(environment.config.database, { command: 'test' });
    await sql`update audit_log set actor_id = 'someone-else' where seq = 4`.execute(database.db);
    await database.close();
    const broken = await runCli(['audit', 'verify'], environment.env);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/BROKEN at entry 4 \(hash_mismatch\)/);
    const json = await runCli(['audit', 'verify', '--json'], environment.env);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ intact: false, entries: 3, firstBad: { seq: '4' } });
    database = await openDatabase(environment.config.database, { command: 'test' });
  });
});
