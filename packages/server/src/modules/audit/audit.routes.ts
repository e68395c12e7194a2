/** Operator endpoints of the audit log: verify the chain, search entries. */
import { ErrorResponse } from '@ehc/contract';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { preHandlerAsyncHookHandler } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { AuditSearchQuery, AuditSearchResponse, AuditVerifyResponse } from './audit.schemas.js';
import { chainAndVerifyAuditLog, searchAuditLog } from './audit.service.js';

export interface AuditRoutesOptions {
  db: Kysely<Database>;
  requireOperator: preHandlerAsyncHookHandler;
}

export const auditRoutes: FastifyPluginAsyncTypebox<AuditRoutesOptions> = async (
  app,
  { db, requireOperator },
) => {
  app.get(
    '/api/admin/audit/verify',
    {
      preHandler: requireOperator,
      schema: {
        tags: ['admin'],
        summary: 'Verify the SM3 chain of the audit log and name the first entry that does not match',
        security: [{ operatorToken: [] }],
        response: { 200: AuditVerifyResponse, 401: ErrorResponse, 503: ErrorResponse },
      },
    },
    async () => chainAndVerifyAuditLog(db),
  );

  app.get(
    '/api/admin/audit',
    {
      preHandler: requireOperator,
      schema: {
        tags: ['admin'],
        summary: 'Search the audit log, newest first',
        security: [{ operatorToken: [] }],
        querystring: AuditSearchQuery,
        response: { 200: AuditSearchResponse, 400: ErrorResponse, 401: ErrorResponse, 503: ErrorResponse },
      },
    },
    async (request) => {
      const query = request.query;
      const entries = await searchAuditLog(db, {
        action: query.action,
        subject: query.subject,
        from: query.from === undefined ? undefined : new Date(query.from),
        to: query.to === undefined ? undefined : new Date(query.to),
        limit: query.limit,
        beforeSeq: query.beforeSeq,
      });
      return { entries };
    },
  );
};
