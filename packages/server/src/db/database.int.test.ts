import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../migrations/index.js';
import { BACKENDS, createTestEnvironment, type TestEnvironment } from '../testing/test-backends.js';
import { type DatabaseHandle, openDatabase } from './database.js';
import { getMigrationStatus, migrateToLatest } from './migrate.js';

describe.each(BACKENDS)('database on %s', (backend) => {
  let environment: TestEnvironment;
  let database: DatabaseHandle;

  beforeEach(async () => {
    environment = await createTestEnvironment(backend);
    database = await openDatabase(environment.config.database, { command: 'test' });
  });
  afterEach(async () => {
    await database.close();
    await environment.cleanup();
  });

  it('applies migrations forward once and reports them', async () => {
    const all = Object.keys(MIGRATIONS).sort();
    expect(all[0]).toBe('0001_init');
    expect(await getMigrationStatus(database.db)).toEqual({ applied: [], pending: all });
    expect(await migrateToLatest(database.db)).toEqual(all);
    expect(await migrateToLatest(database.db)).toEqual([]);
    expect(await getMigrationStatus(database.db)).toEqual({ applied: all, pending: [] });
  });

  it('returns int8 as a string, dates as yyyy-MM-dd text and timestamps as dates on both back ends', async () => {
    const { rows } = await sql<{
      big: string;
      at: Date;
      day: string;
    }>`select 9007199254740993::int8 as big, now() as at, '2017-12-25'::date as day`.execute(database.db);
    expect(rows[0]?.big).toBe('9007199254740993');
    expect(rows[0]?.day).toBe('2017-12-25');
    expect(rows[0]?.at).toBeInstanceOf(Date);
  });

  it('isolates a transaction: a concurrent statement neither sees nor joins it', async () => {
    await sql`create table t (v int)`.execute(database.db);
    let releaseTransaction!: () => void;
    const holding = new Promise<void>((resolve) => {
      releaseTransaction = resolve;
    });
    let inserted!: () => void;
    const insertedSignal = new Promise<void>((resolve) => {
      inserted = resolve;
    });
    const transaction = database.db
      .transaction()
      .execute(async (trx) => {
        await sql`insert into t values (1)`.execute(trx);
        inserted();
        await holding;
        throw new Error('roll back');
      })
      .catch((error: Error) => error.message);
    await insertedSignal;
    // Outside the transaction: must not see the uncommitted row, and must not become part of it.
    const outside = sql<{ n: string }>`select count(*) as n from t`.execute(database.db);
    const outsideInsert = outside.then(() => sql`insert into t values (2)`.execute(database.db));
    releaseTransaction();
    expect(await transaction).toBe('roll back');
    expect((await outside).rows[0]?.n).toBe('0');
    await outsideInsert;
    const { rows } = await sql<{ v: number }>`select v from t order by v`.execute(database.db);
    expect(rows).toEqual([{ v: 2 }]);
  });

  it('runs multi-statement scripts through executeSql (as the job queue does)', async () => {
    await database.executeSql('create table s (v int); insert into s values (1); insert into s values (2);');
    const result = await database.executeSql('select sum(v)::int as total from s where v > $1', [0]);
    expect(result.rows).toEqual([{ total: 3 }]);
  });
});
