/**
 * Wires the card-management core: personal-data protection, audit, card-use recording and the
 * identity provider feed the cards service; its REST routes (cards, newborn and temporary cards,
 * family accounts) go under `/api/v1`, deaths under `/api/admin`.
 */
import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import type { CipherMachine } from '../../cipher/cipher-machine.js';
import type { Config } from '../../config.js';
import type { DatabaseHandle } from '../../db/database.js';
import { createAuditLog } from '../audit/audit.service.js';
import { createIdentityProvider } from '../identity/identity.service.js';
import { createPersonalDataProtector } from '../personal-data/personal-data.service.js';
import { createCardUseRecorder } from '../usage/usage.service.js';
import { cardsAdminRoutes } from './cards.admin.routes.js';
import { registerCardGatewayMethods } from './cards.gateway.js';
import { cardsRoutes } from './cards.routes.js';
import { type CardsService, createCardsService } from './cards.service.js';
import { familyRoutes } from './family.routes.js';
import { createFamilyService } from './family.service.js';

export interface CardsModuleDeps {
  database: DatabaseHandle;
  cipher: CipherMachine;
  config: Config;
}

/** Builds the cards service from this node's configuration (also used by the CLI and jobs). */
export async function createCardsModule({
  database,
  cipher,
  config,
}: CardsModuleDeps): Promise<CardsService> {
  const personalData = await createPersonalDataProtector(database.db, cipher);
  return createCardsService({
    db: database.db,
    cipher,
    personalData,
    identity: createIdentityProvider(config.identity, { db: database.db, protector: personalData }),
    audit: createAuditLog(),
    usage: createCardUseRecorder(),
    config: config.cards,
  });
}

export async function registerCards(
  app: FastifyInstance,
  deps: CardsModuleDeps & { requireOperator: preHandlerAsyncHookHandler },
): Promise<CardsService> {
  const service = await createCardsModule(deps);
  await app.register(cardsRoutes, { service });
  await app.register(cardsAdminRoutes, { service, requireOperator: deps.requireOperator });
  const family = createFamilyService({
    db: deps.database.db,
    cards: service,
    audit: createAuditLog(),
    config: deps.config.cards,
  });
  await app.register(familyRoutes, { family });
  // The gateway (registered before this module in app.ts) gains the card methods.
  registerCardGatewayMethods(app, service);
  return service;
}
