/**
 * buildApp(config, deps): the whole HTTP application as a Fastify instance, ready for inject()
 * in tests or listen() in main.ts. It never listens and never opens the database itself.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { CipherMachine } from './cipher/cipher-machine.js';
import type { Config } from './config.js';
import type { DatabaseHandle } from './db/database.js';
import type { JobQueue } from './jobs/job-queue.js';
import { auditRoutes } from './modules/audit/audit.routes.js';
import { registerCards } from './modules/cards/cards.module.js';
import { registerGateway } from './modules/gateway/gateway.module.js';
import { registerInstitutions } from './modules/institutions/institutions.module.js';
import { systemRoutes } from './modules/system/system.routes.js';
import { createSystemService } from './modules/system/system.service.js';
import { registerErrorHandling } from './plugins/error-handler.js';
import { registerMetrics } from './plugins/metrics.js';
import { createOperatorGuard } from './plugins/operator-auth.js';
import { generateRequestId, registerRequestId } from './plugins/request-id.js';
import { SERVER_VERSION } from './version.js';

export interface AppDeps {
  database: DatabaseHandle;
  cipher: CipherMachine;
  logger: Logger;
  /** Present when this process also runs jobs; its counters appear in /metrics. */
  jobs?: JobQueue;
  /** The operator token in effect (from config or generated for the embedded quick start). */
  operatorToken?: string | undefined;
}

const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../web/dist/', import.meta.url));

export async function buildApp(config: Config, deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    // pino's Logger is Fastify's logger; the cast only narrows the type to what Fastify declares.
    loggerInstance: deps.logger as FastifyBaseLogger,
    genReqId: generateRequestId,
    bodyLimit: 1024 * 1024,
    trustProxy: false,
    ajv: { customOptions: { allErrors: true, coerceTypes: 'array', removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  registerRequestId(app);
  registerErrorHandling(app);
  const metrics = registerMetrics(app);
  if (deps.jobs) {
    const jobs = deps.jobs;
    metrics.gauge(
      'ehc_jobs_completed_total',
      'Jobs completed by this process',
      () => jobs.counters.completed,
    );
    metrics.gauge(
      'ehc_jobs_failed_attempts_total',
      'Failed job attempts in this process',
      () => jobs.counters.failed,
    );
  }

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'EHC platform API (电子健康卡平台接口)',
        version: SERVER_VERSION,
        description:
          'REST API of the Electronic Health Card platform. Errors are `{ error: { code, message, details } }`; ' +
          'the codes are listed in @ehc/contract (packages/contract/src/errors.ts).',
      },
      tags: [
        { name: 'system', description: 'Probes and metrics' },
        { name: 'admin', description: 'Operator endpoints (Bearer operator token)' },
        {
          name: 'cards',
          description: 'Electronic health cards: register, codes, verification, card use (signed requests)',
        },
        {
          name: 'institutions',
          description: 'Institutions, departments, terminals and applications (operator token)',
        },
        { name: 'gateway', description: 'The national ehc.* card-management gateway (EHC-FORMATS §4)' },
        {
          name: 'family',
          description:
            "Resident accounts and family members, called by an app on the resident's behalf (signed requests)",
        },
      ],
      components: {
        securitySchemes: {
          operatorToken: { type: 'http', scheme: 'bearer', description: 'EHC_OPERATOR_TOKEN' },
          ehcSignature: {
            type: 'apiKey',
            in: 'header',
            name: 'X-EHC-Signature',
            description:
              'Signed request (EHC-FORMATS §7): X-EHC-App-Id, X-EHC-Timestamp (ms), X-EHC-Nonce and X-EHC-Signature = ' +
              'hex HMAC-SM3(app secret, METHOD\\npath?query\\ntimestamp\\nnonce\\nhex(SM3(body))); see docs/integration.md',
          },
        },
      },
    },
  });

  const requireOperator = createOperatorGuard(deps.operatorToken ?? config.operatorToken);
  const systemService = createSystemService({
    database: deps.database,
    cipher: deps.cipher,
    version: SERVER_VERSION,
  });
  await app.register(systemRoutes, { service: systemService, metrics, requireOperator });
  const institutions = await registerInstitutions(app, {
    database: deps.database,
    cipher: deps.cipher,
    requireOperator,
  });
  await registerGateway(app, { institutions });
  await registerCards(app, { database: deps.database, cipher: deps.cipher, config, requireOperator });
  await app.register(auditRoutes, { db: deps.database.db, requireOperator });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(fastifySwaggerUi, {
    routePrefix: '/docs',
    uiConfig: { docExpansion: 'list', deepLinking: true },
  });

  const webDir = config.webDir ?? DEFAULT_WEB_DIR;
  if (fs.existsSync(webDir)) {
    await app.register(fastifyStatic, { root: webDir, prefix: '/', wildcard: false, index: 'index.html' });
  } else {
    app.get('/', { schema: { hide: true } }, async () => ({
      name: 'EHC',
      message: `the web app is not built (looked in ${webDir}); run npm run build. API reference: /docs`,
    }));
  }

  return app;
}
