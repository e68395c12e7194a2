import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initialiseKeys, loadCipherMachine, resolveMasterKey } from '../../cipher/keys.service.js';
import type { SoftwareCipherMachine } from '../../cipher/software-cipher-machine.js';
import { type DatabaseHandle, openDatabase } from '../../db/database.js';
import { migrateToLatest } from '../../db/migrate.js';
import { BACKENDS, createTestEnvironment, type TestEnvironment } from '../../testing/test-backends.js';
import { createPersonalDataProtector } from './personal-data.service.js';

const ID_NO = '11010020171225006X';

describe.each(BACKENDS)('personal-data protector on %s', (backend) => {
  let environment: TestEnvironment;
  let database: DatabaseHandle;
  let cipher: SoftwareCipherMachine;

  async function open(): Promise<void> {
    database = await openDatabase(environment.config.database, { command: 'test' });
    await migrateToLatest(database.db);
    cipher = await loadCipherMachine(database.db, resolveMasterKey(environment.config));
  }

  beforeEach(async () => {
    environment = await createTestEnvironment(backend);
    database = await openDatabase(environment.config.database, { command: 'test' });
    await migrateToLatest(database.db);
    await initialiseKeys(database.db, resolveMasterKey(environment.config));
    await database.close();
    await open();
  });

  afterEach(async () => {
    await database.close();
    await environment.cleanup();
  });

  it('round-trips every field, with a different ciphertext each time', async () => {
    const protector = await createPersonalDataProtector(database.db, cipher);
    for (const [field, value] of [
      ['id_no', ID_NO],
      ['phone', '13812341234'],
      ['address', '山东省济南市历下区泉城路 1 号'],
    ] as const) {
      const first = protector.encrypt(field, value);
      const second = protector.encrypt(field, value);
      expect(first).not.toBe(second);
      expect(first).not.toContain(value);
      expect(protector.decrypt(field, first)).toBe(value);
      expect(protector.decrypt(field, second)).toBe(value);
    }
    expect(protector.decrypt('phone', protector.encrypt('phone', ''))).toBe('');
  });

  it('gives equal blind indexes for equal values after normalisation, per field', async () => {
    const protector = await createPersonalDataProtector(database.db, cipher);
    const index = protector.blindIndex('id_no', ID_NO);
    expect(index).toMatch(/^[0-9a-f]{64}$/);
    expect(protector.blindIndex('id_no', ` ${ID_NO.toLowerCase()} `)).toBe(index);
    expect(protector.blindIndex('id_no', '110100201712250061')).not.toBe(index);
    // Another field's index of the same text differs (separate keys).
    expect(protector.blindIndex('phone', ID_NO)).not.toBe(index);
  });

  it('detects tampering: a flipped byte, a swapped field, garbage', async () => {
    const protector = await createPersonalDataProtector(database.db, cipher);
    const ciphertext = protector.encrypt('id_no', ID_NO);
    const [version, body] = ciphertext.split('.') as [string, string];
    const bytes = Buffer.from(body, 'base64url');
    for (const position of [0, 20, bytes.length - 1]) {
      const damaged = Buffer.from(bytes);
      damaged[position] = (damaged[position] ?? 0) ^ 1;
      expect(() => protector.decrypt('id_no', `${version}.${damaged.toString('base64url')}`)).toThrow(
        expect.objectContaining({ code: 'PERSONAL_DATA_TAMPERED' }),
      );
    }
    expect(() => protector.decrypt('address', ciphertext)).toThrow(
      expect.objectContaining({ code: 'PERSONAL_DATA_TAMPERED' }),
    );
    expect(() => protector.decrypt('id_no', 'not ciphertext')).toThrow(
      expect.objectContaining({ code: 'PERSONAL_DATA_TAMPERED' }),
    );
    try {
      protector.decrypt('id_no', `${version}.${body.slice(0, -2)}AA`);
    } catch (error) {
      expect(String((error as Error).message)).not.toContain(ID_NO);
    }
  });

  it('keeps its keys across a reopen, stored only wrapped', async () => {
    const protector = await createPersonalDataProtector(database.db, cipher);
    const ciphertext = protector.encrypt('id_no', ID_NO);
    const index = protector.blindIndex('id_no', ID_NO);
    const rows = await database.db.selectFrom('data_keys').selectAll().orderBy('purpose').execute();
    expect(rows.map((row) => row.purpose)).toEqual([
      'personal-data:address',
      'personal-data:id_no',
      'personal-data:phone',
    ]);
    await database.close();
    await open();
    const reopened = await createPersonalDataProtector(database.db, cipher);
    expect(reopened.decrypt('id_no', ciphertext)).toBe(ID_NO);
    expect(reopened.blindIndex('id_no', ID_NO)).toBe(index);
    expect(await database.db.selectFrom('data_keys').select('id').execute()).toHaveLength(3);
  });

  it('creates each key once when two protectors start at the same time', async () => {
    const [a, b] = await Promise.all([
      createPersonalDataProtector(database.db, cipher),
      createPersonalDataProtector(database.db, cipher),
    ]);
    expect(b.decrypt('phone', a.encrypt('phone', '13812341234'))).toBe('13812341234');
    expect(a.blindIndex('id_no', ID_NO)).toBe(b.blindIndex('id_no', ID_NO));
  });
});
