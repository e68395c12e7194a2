/** Admin REST API of institutions, departments, terminals and applications (operator token). */
import { ErrorResponse } from '@ehc/contract';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { preHandlerAsyncHookHandler } from 'fastify';
import {
  App,
  AppIdParams,
  AppList,
  AppWithSecret,
  CreateAppBody,
  CreateDepartmentBody,
  CreateOrgBody,
  CreateTerminalBody,
  Department,
  DepartmentList,
  Org,
  OrgCodeParams,
  OrgList,
  RotateAppBody,
  Terminal,
  TerminalList,
  TerminalListQuery,
  UpdateOrgBody,
} from './institutions.schemas.js';
import { type InstitutionsService, OPERATOR } from './institutions.service.js';

export interface InstitutionsRoutesOptions {
  service: InstitutionsService;
  requireOperator: preHandlerAsyncHookHandler;
}

const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };

export const institutionsRoutes: FastifyPluginAsyncTypebox<InstitutionsRoutesOptions> = async (
  app,
  { service, requireOperator },
) => {
  const admin = { preHandler: requireOperator };
  const meta = (summary: string) => ({ tags: ['institutions'], summary, security: [{ operatorToken: [] }] });

  app.post(
    '/api/admin/orgs',
    {
      ...admin,
      schema: { ...meta('Add an institution'), body: CreateOrgBody, response: { 201: Org, ...errors } },
    },
    async (request, reply) => reply.code(201).send(await service.createOrg(OPERATOR, request.body)),
  );
  app.get(
    '/api/admin/orgs',
    { ...admin, schema: { ...meta('List institutions'), response: { 200: OrgList, ...errors } } },
    async () => ({ orgs: await service.listOrgs(OPERATOR) }),
  );
  app.get(
    '/api/admin/orgs/:code',
    {
      ...admin,
      schema: { ...meta('One institution'), params: OrgCodeParams, response: { 200: Org, ...errors } },
    },
    async (request) => service.getOrg(OPERATOR, request.params.code),
  );
  app.patch(
    '/api/admin/orgs/:code',
    {
      ...admin,
      schema: {
        ...meta('Change an institution'),
        params: OrgCodeParams,
        body: UpdateOrgBody,
        response: { 200: Org, ...errors },
      },
    },
    async (request) => service.updateOrg(OPERATOR, request.params.code, request.body),
  );
  app.post(
    '/api/admin/orgs/:code/departments',
    {
      ...admin,
      schema: {
        ...meta('Add a department to an institution'),
        params: OrgCodeParams,
        body: CreateDepartmentBody,
        response: { 201: Department, ...errors },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await service.addDepartment(OPERATOR, request.params.code, request.body)),
  );
  app.get(
    '/api/admin/orgs/:code/departments',
    {
      ...admin,
      schema: {
        ...meta("An institution's departments"),
        params: OrgCodeParams,
        response: { 200: DepartmentList, ...errors },
      },
    },
    async (request) => ({ departments: await service.listDepartments(OPERATOR, request.params.code) }),
  );
  app.post(
    '/api/admin/terminals',
    {
      ...admin,
      schema: { ...meta('Add a terminal'), body: CreateTerminalBody, response: { 201: Terminal, ...errors } },
    },
    async (request, reply) => reply.code(201).send(await service.addTerminal(OPERATOR, request.body)),
  );
  app.get(
    '/api/admin/terminals',
    {
      ...admin,
      schema: {
        ...meta('List terminals'),
        querystring: TerminalListQuery,
        response: { 200: TerminalList, ...errors },
      },
    },
    async (request) => ({ terminals: await service.listTerminals(OPERATOR, request.query) }),
  );
  app.post(
    '/api/admin/apps',
    {
      ...admin,
      schema: {
        ...meta('Create an application; the secret is in this response only'),
        body: CreateAppBody,
        response: { 201: AppWithSecret, ...errors },
      },
    },
    async (request, reply) => reply.code(201).send(await service.createApp(OPERATOR, request.body)),
  );
  app.get(
    '/api/admin/apps',
    {
      ...admin,
      schema: { ...meta('List applications (never their secrets)'), response: { 200: AppList, ...errors } },
    },
    async () => ({ apps: await service.listApps(OPERATOR) }),
  );
  app.get(
    '/api/admin/apps/:appId',
    {
      ...admin,
      schema: { ...meta('One application'), params: AppIdParams, response: { 200: App, ...errors } },
    },
    async (request) => service.getApp(OPERATOR, request.params.appId),
  );
  app.post(
    '/api/admin/apps/:appId/rotate',
    {
      ...admin,
      schema: {
        ...meta('Issue a new secret; the previous one keeps working for the overlap'),
        params: AppIdParams,
        body: RotateAppBody,
        response: { 200: AppWithSecret, ...errors },
      },
    },
    async (request) => service.rotateAppSecret(OPERATOR, request.params.appId, request.body ?? {}),
  );
};
