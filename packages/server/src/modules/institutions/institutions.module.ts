/**
 * Wires the institutions module into the app: the service, its admin routes, and the signed
 * `/api/v1` authentication (`app.requireAppScope`) that other modules' routes use.
 */
import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import type { CipherMachine } from '../../cipher/cipher-machine.js';
import type { DatabaseHandle } from '../../db/database.js';
import { registerAppAuth } from '../../plugins/app-auth.js';
import { institutionsRoutes } from './institutions.routes.js';
import { createInstitutionsService, type InstitutionsService } from './institutions.service.js';

export interface InstitutionsModuleDeps {
  database: DatabaseHandle;
  cipher: CipherMachine;
  requireOperator: preHandlerAsyncHookHandler;
}

export async function registerInstitutions(
  app: FastifyInstance,
  { database, cipher, requireOperator }: InstitutionsModuleDeps,
): Promise<InstitutionsService> {
  const service = createInstitutionsService({ database, cipher });
  await app.register(institutionsRoutes, { service, requireOperator });
  await registerAppAuth(app, { institutions: service, database });
  return service;
}
