/**
 * A fresh node for service-level card tests: migrated, keyed, the population registry loaded with
 * the given lines, and a cards service on a controllable clock.
 */
import { initialiseKeys, loadCipherMachine, resolveMasterKey } from '../cipher/keys.service.js';
import type { SoftwareCipherMachine } from '../cipher/software-cipher-machine.js';
import type { CardsConfig } from '../config.js';
import { type DatabaseHandle, openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { createAuditLog } from '../modules/audit/audit.service.js';
import { type CardsService, createCardsService } from '../modules/cards/cards.service.js';
import { RegistryIdentityProvider } from '../modules/identity/registry-identity-provider.js';
import { importRegistryLines } from '../modules/identity/registry-import.js';
import { createPersonalDataProtector } from '../modules/personal-data/personal-data.service.js';
import type { PersonalDataProtector } from '../modules/personal-data/personal-data.types.js';
import { createCardUseRecorder } from '../modules/usage/usage.service.js';
import { type Backend, createTestEnvironment, type TestEnvironment } from './test-backends.js';

export const REGISTRY_HEADER = 'id_type,id_no,name,gender,birthday,nation,address,region,deceased_on';

export const TEST_CARDS_CONFIG: CardsConfig = {
  nodeCode: '370100',
  qrDynamicTtlSeconds: 60,
  loweredVerificationChannels: [],
  temporaryCardTtlHours: 72,
  familyMaxMembers: 8,
};

export interface CardsServiceEnv {
  environment: TestEnvironment;
  database: DatabaseHandle;
  cipher: SoftwareCipherMachine;
  personalData: PersonalDataProtector;
  clock: { now: Date };
  cards: CardsService;
  /** Another service on the same node with other settings. */
  buildService(config?: Partial<CardsConfig>): CardsService;
  close(): Promise<void>;
}

export async function createCardsServiceEnv(
  backend: Backend,
  registryLines: string[],
  config: Partial<CardsConfig> = {},
): Promise<CardsServiceEnv> {
  const environment = await createTestEnvironment(backend);
  const database = await openDatabase(environment.config.database, { command: 'test' });
  await migrateToLatest(database.db);
  const master = resolveMasterKey(environment.config);
  await initialiseKeys(database.db, master);
  const cipher = await loadCipherMachine(database.db, master);
  const personalData = await createPersonalDataProtector(database.db, cipher);
  async function* feed() {
    yield REGISTRY_HEADER;
    yield* registryLines;
  }
  const imported = await importRegistryLines(database.db, personalData, feed());
  if (imported.rejected > 0)
    throw new Error(`registry rows rejected: ${JSON.stringify(imported.rejections)}`);
  const clock = { now: new Date('2026-11-22T08:00:00Z') };
  const buildService = (overrides: Partial<CardsConfig> = {}) =>
    createCardsService({
      db: database.db,
      cipher,
      personalData,
      identity: new RegistryIdentityProvider(database.db, personalData),
      audit: createAuditLog(),
      usage: createCardUseRecorder({ now: () => clock.now }),
      config: { ...TEST_CARDS_CONFIG, ...config, ...overrides },
      now: () => clock.now,
    });
  return {
    environment,
    database,
    cipher,
    personalData,
    clock,
    cards: buildService(),
    buildService,
    async close() {
      await database.close();
      await environment.cleanup();
    },
  };
}
