/**
 * Wires the `ehc.*` gateway: the method registry (`app.registerGatewayMethod`), the transport
 * routes and the institution methods. Modules that add methods register after this in app.ts.
 */
import type { FastifyInstance } from 'fastify';
import { registerInstitutionGatewayMethods } from '../institutions/institutions.gateway.js';
import type { InstitutionsService } from '../institutions/institutions.service.js';
import { createGatewayRegistry, type GatewayRegistry } from './gateway.registry.js';
import { registerGatewayRoutes } from './gateway.routes.js';

export async function registerGateway(
  app: FastifyInstance,
  { institutions }: { institutions: InstitutionsService },
): Promise<GatewayRegistry> {
  const registry = createGatewayRegistry();
  app.decorate('registerGatewayMethod', registry.registerGatewayMethod);
  registerGatewayRoutes(app, { institutions, registry });
  registerInstitutionGatewayMethods(registry, institutions);
  return registry;
}
