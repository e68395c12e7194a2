/** Probes, metrics and the operator's system endpoints. */
import {
  ErrorResponse,
  HealthResponse,
  NodePublicKeyResponse,
  ReadinessResponse,
  SystemInfoResponse,
} from '@ehc/contract';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { preHandlerAsyncHookHandler } from 'fastify';
import type { Metrics } from '../../plugins/metrics.js';
import type { SystemService } from './system.service.js';

export interface SystemRoutesOptions {
  service: SystemService;
  metrics: Metrics;
  requireOperator: preHandlerAsyncHookHandler;
}

export const systemRoutes: FastifyPluginAsyncTypebox<SystemRoutesOptions> = async (
  app,
  { service, metrics, requireOperator },
) => {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['system'],
        summary: 'Liveness: the process is up',
        response: { 200: HealthResponse },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['system'],
        summary: 'Readiness: database reachable, migrations current, keys loaded',
        response: { 200: ReadinessResponse, 503: ReadinessResponse },
      },
    },
    async (_request, reply) => {
      const readiness = await service.readiness();
      return reply.code(readiness.status === 'ready' ? 200 : 503).send(readiness);
    },
  );

  app.get(
    '/metrics',
    {
      schema: {
        tags: ['system'],
        summary: 'Prometheus metrics (text exposition format)',
        produces: ['text/plain'],
      },
    },
    async (_request, reply) => {
      const text = await metrics.registry.metrics();
      return reply.type(metrics.registry.contentType).send(text);
    },
  );

  app.get(
    '/api/admin/system',
    {
      preHandler: requireOperator,
      schema: {
        tags: ['admin'],
        summary: 'Node information',
        security: [{ operatorToken: [] }],
        response: { 200: SystemInfoResponse, 401: ErrorResponse, 503: ErrorResponse },
      },
    },
    async () => service.info(),
  );

  app.get(
    '/api/admin/keys/public',
    {
      preHandler: requireOperator,
      schema: {
        tags: ['admin'],
        summary: "The node's SM2 public key",
        security: [{ operatorToken: [] }],
        response: { 200: NodePublicKeyResponse, 401: ErrorResponse, 503: ErrorResponse },
      },
    },
    async () => service.nodePublicKey(),
  );
};
