import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { computeCheckCharacter } from '@ehc/gm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initialiseKeys, loadCipherMachine, resolveMasterKey } from '../../cipher/keys.service.js';
import { type DatabaseHandle, openDatabase } from '../../db/database.js';
import { migrateToLatest } from '../../db/migrate.js';
import { CLI_ENTRY, runCli } from '../../testing/processes.js';
import { BACKENDS, createTestEnvironment, type TestEnvironment } from '../../testing/test-backends.js';
import { createPersonalDataProtector } from '../personal-data/personal-data.service.js';
import type { PersonalDataProtector } from '../personal-data/personal-data.types.js';
import { RegistryIdentityProvider } from './registry-identity-provider.js';
import { importRegistryFile } from './registry-import.js';

const HEADER = 'id_type,id_no,name,gender,birthday,nation,address,region,deceased_on';

/** A valid resident ID number born on `birthday` with sex `sex` (1 male, 2 female). */
function idNumber(birthday: string, serial: number, sex: '1' | '2'): string {
  let sequence = serial % 1000;
  if (String(sequence % 10) !== '' && (sequence % 2 === 1) !== (sex === '1'))
    sequence = (sequence + 1) % 1000;
  const first17 = `370102${birthday.replaceAll('-', '')}${String(sequence).padStart(3, '0')}`;
  return `${first17}${computeCheckCharacter(first17)}`;
}

const ZHANG = idNumber('1985-03-07', 11, '1');
const LI = idNumber('1990-12-31', 22, '2');
const DEAD = idNumber('1930-01-01', 33, '1');
const BAD_CHECK = `${ZHANG.slice(0, 17)}${ZHANG.endsWith('0') ? '1' : '0'}`;

const CSV = [
  HEADER,
  `01,${ZHANG},张伟,1,1985-03-07,01,"山东省济南市历下区泉城路1号, 2单元",370102,`,
  `01,${LI.toLowerCase()},李娜,2,1990-12-31,,,370102,`,
  `01,${DEAD},王老先生,1,1930-01-01,01,,,2020-02-02`,
  `03,E12345678,阿依古丽·买买提,2,1992-06-01,05,,,`,
  `01,${BAD_CHECK},坏号码,1,1985-03-07,01,,,`, // line 6: check character
  `01,${ZHANG},性别不符,2,1985-03-07,01,,,`, // line 7: sex differs from the number
  `09,123,类型错误,1,1985-03-07,01,,,`, // line 8: id type
  `03,E7654321,民族错误,1,1985-03-07,77,,,`, // line 9: nation
  `03,E7654322,太少字段,1,1985-03-07`, // line 10: fields
  '',
].join('\n');

describe.each(BACKENDS)('population registry on %s', (backend) => {
  let environment: TestEnvironment;
  let database: DatabaseHandle;
  let protector: PersonalDataProtector;
  let csvFile: string;

  async function open(): Promise<void> {
    database = await openDatabase(environment.config.database, { command: 'test' });
    await migrateToLatest(database.db);
    const machine = await loadCipherMachine(database.db, resolveMasterKey(environment.config));
    protector = await createPersonalDataProtector(database.db, machine);
  }

  beforeEach(async () => {
    environment = await createTestEnvironment(backend);
    database = await openDatabase(environment.config.database, { command: 'test' });
    await migrateToLatest(database.db);
    await initialiseKeys(database.db, resolveMasterKey(environment.config));
    await database.close();
    await open();
    csvFile = path.join(environment.dataDir, 'registry.csv');
    fs.writeFileSync(csvFile, CSV);
  });

  afterEach(async () => {
    await database.close();
    await environment.cleanup();
  });

  it('imports valid rows encrypted, rejects the others by line, and re-runs idempotently', async () => {
    const first = await importRegistryFile(database.db, protector, csvFile, { chunkSize: 2 });
    expect(first).toMatchObject({ rows: 9, inserted: 4, updated: 0, unchanged: 0, rejected: 5 });
    expect(first.rejections.map((r) => r.row)).toEqual([6, 7, 8, 9, 10]);
    expect(first.rejections[0]?.reason).toMatch(/check character/);
    expect(first.rejections[1]?.reason).toMatch(/gender 2 differs/);
    expect(first.rejections[3]?.reason).toMatch(/nation "77"/);
    expect(JSON.stringify(first)).not.toContain(BAD_CHECK);

    const rows = await database.db.selectFrom('population_registry').selectAll().execute();
    expect(rows).toHaveLength(4);
    const zhang = rows.find((row) => row.name === '张伟');
    expect(zhang?.id_no_enc).not.toContain(ZHANG);
    expect(protector.decrypt('id_no', zhang?.id_no_enc ?? '')).toBe(ZHANG);
    expect(protector.decrypt('address', zhang?.address_enc ?? '')).toBe('山东省济南市历下区泉城路1号, 2单元');
    expect(zhang?.id_no_index).toBe(protector.blindIndex('id_no', ZHANG));

    const again = await importRegistryFile(database.db, protector, csvFile);
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 4, rejected: 5 });

    fs.writeFileSync(
      csvFile,
      [
        HEADER,
        `01,${ZHANG},张伟,1,1985-03-07,01,新地址,370102,`,
        `01,${LI},李娜,2,1990-12-31,,,370102,`,
      ].join('\r\n'),
    );
    expect(await importRegistryFile(database.db, protector, csvFile)).toMatchObject({
      inserted: 0,
      updated: 1,
      unchanged: 1,
    });
    const moved = await database.db
      .selectFrom('population_registry')
      .select('address_enc')
      .where('id_no_index', '=', protector.blindIndex('id_no', ZHANG))
      .executeTakeFirstOrThrow();
    expect(protector.decrypt('address', moved.address_enc ?? '')).toBe('新地址');
  });

  it('confirms, mismatches, does not know, and reports the deceased', async () => {
    await importRegistryFile(database.db, protector, csvFile);
    const provider = new RegistryIdentityProvider(database.db, protector);
    const claim = { idType: '01', idNo: ZHANG, name: '张伟', gender: '1', birthday: '1985-03-07' };
    expect(await provider.check(claim)).toEqual({ outcome: 'confirmed', level: 'registry' });
    expect(
      await provider.check({
        ...claim,
        idNo: LI.toUpperCase(),
        name: '李娜',
        gender: '2',
        birthday: '1990-12-31',
      }),
    ).toEqual({
      outcome: 'confirmed',
      level: 'registry',
    });
    expect(await provider.check({ ...claim, name: '张三', gender: '2' })).toEqual({
      outcome: 'mismatch',
      fields: ['name', 'gender'],
    });
    expect(await provider.check({ ...claim, idType: '02' })).toEqual({ outcome: 'unknown' });
    expect(await provider.check({ ...claim, idNo: idNumber('1985-03-07', 99, '1') })).toEqual({
      outcome: 'unknown',
    });
    expect(
      await provider.check({
        idType: '01',
        idNo: DEAD,
        name: '王老先生',
        gender: '1',
        birthday: '1930-01-01',
      }),
    ).toEqual({ outcome: 'confirmed', level: 'registry', deceasedOn: '2020-02-02' });
    expect(
      await provider.check({
        idType: '03',
        idNo: 'e12345678',
        name: ' 阿依古丽•买买提 ',
        gender: '2',
        birthday: '1992-06-01',
      }),
    ).toEqual({ outcome: 'confirmed', level: 'registry' });
  });

  it('`ehc registry import` prints a summary without unmasked ID numbers, and --json', async () => {
    await database.close();
    const text = await runCli(['registry', 'import', csvFile], environment.env);
    expect(text.code).toBe(1); // rows were rejected
    expect(text.stdout).toMatch(/9 rows, 4 inserted, 0 updated, 0 unchanged, 5 rejected/);
    expect(text.stdout).toMatch(/row 6: id_no is not a valid resident ID number/);
    for (const number of [ZHANG, LI, DEAD, BAD_CHECK]) {
      expect(text.stdout + text.stderr).not.toContain(number);
    }
    const json = await runCli(['registry', 'import', '--json', csvFile], environment.env);
    expect(JSON.parse(json.stdout)).toMatchObject({ file: csvFile, inserted: 0, unchanged: 4, rejected: 5 });
    const missing = await runCli(
      ['registry', 'import', path.join(environment.dataDir, 'nope.csv')],
      environment.env,
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^ehc: error: cannot read .*nope\.csv: ENOENT\n$/);
    fs.writeFileSync(csvFile, 'name,id_no\n');
    const header = await runCli(['registry', 'import', csvFile], environment.env);
    expect(header.stderr).toMatch(/the header must name the columns.*missing: id_type/);
    await open();
  });

  it('reaches the same end state when re-run after being killed half-way', async () => {
    const people = Array.from({ length: 3000 }, (_, i) => {
      const sex = i % 2 === 0 ? '1' : '2';
      const birthday = `19${50 + (i % 50)}-0${1 + (i % 9)}-1${i % 10}`;
      return `01,${idNumber(birthday, i, sex)},测试${i},${sex},${birthday},01,地址${i},370102,`;
    });
    fs.writeFileSync(csvFile, [HEADER, ...people].join('\n'));
    await database.close();

    const child = spawn(
      process.execPath,
      [
        '--conditions=source',
        '--import',
        'tsx',
        CLI_ENTRY,
        'registry',
        'import',
        '--progress',
        '--chunk-size',
        '100',
        csvFile,
      ],
      { env: { ...process.env, ...environment.env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let progressLines = 0;
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        progressLines += (chunk.toString().match(/progress:/g) ?? []).length;
        if (progressLines >= 3 && !child.killed) child.kill('SIGKILL');
      });
      child.on('exit', () => resolve());
      child.on('error', reject);
    });
    expect(progressLines).toBeGreaterThanOrEqual(3);

    await open();
    const partial = await database.db.selectFrom('population_registry').select('id').execute();
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(3000);
    await database.close();

    const resumed = await runCli(['registry', 'import', '--json', csvFile], environment.env);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    const summary = JSON.parse(resumed.stdout);
    expect(summary).toMatchObject({ rows: 3000, rejected: 0 });
    expect(summary.inserted + summary.unchanged).toBe(3000);
    expect(summary.unchanged).toBe(partial.length);
    await open();
    const rows = await database.db
      .selectFrom('population_registry')
      .select(['name', 'address_enc'])
      .execute();
    expect(rows).toHaveLength(3000);
    expect(new Set(rows.map((row) => row.name)).size).toBe(3000);
    const sample = rows.find((row) => row.name === '测试2999');
    expect(protector.decrypt('address', sample?.address_enc ?? '')).toBe('地址2999');
  });
});
