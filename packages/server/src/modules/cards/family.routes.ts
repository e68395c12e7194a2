/**
 * REST routes of resident accounts and family members (A5) under `/api/v1`: an app calls them on
 * the resident's behalf (`register` scope to change, `query` to read and show codes). The national
 * `ehc.*` protocol has no family methods, so they are REST only.
 */
import { ErrorResponse } from '@ehc/contract';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireAppScope } from '../../plugins/app-auth.js';
import { actorOf, CARD_ROUTE_ERRORS, SIGNED, toRegisterInput } from './cards.http.js';
import { toCardResponse } from './cards.routes.js';
import { CodeResponse, GenerateCodeBody, RegisterCardBody, RegisterCardResponse } from './cards.schemas.js';
import type { FamilyService, ResidentAccountView } from './family.service.js';

export interface FamilyRoutesOptions {
  family: FamilyService;
}

const errors = CARD_ROUTE_ERRORS;
const security = SIGNED;
const EHC_ID = Type.String({ pattern: '^[0-9A-Fa-f]{64}$' });
const Relation = Type.Union(
  [Type.Literal('parent'), Type.Literal('child'), Type.Literal('spouse'), Type.Literal('other')],
  { description: "the member's relation to the account's owner" },
);
const AccountParams = Type.Object({ accountId: Type.String({ format: 'uuid' }) });
const MemberParams = Type.Object({ accountId: Type.String({ format: 'uuid' }), ehcId: EHC_ID });

const AccountResponse = Type.Object({
  account_id: Type.String(),
  owner_ehealth_card_id: Type.String(),
  max_members: Type.Integer({ description: 'EHC_FAMILY_MAX_MEMBERS' }),
  members: Type.Array(
    Type.Object({
      ehealth_card_id: Type.String(),
      name: Type.Union([Type.String(), Type.Null()]),
      kind: Type.String(),
      status: Type.String(),
      relation: Type.String(),
      guardian: Type.Boolean({ description: "the owner is this member's guardian" }),
    }),
  ),
});

function toAccountResponse(account: ResidentAccountView) {
  return {
    account_id: account.accountId,
    owner_ehealth_card_id: account.ownerEhcId,
    max_members: account.maxMembers,
    members: account.members.map((member) => ({
      ehealth_card_id: member.ehcId,
      name: member.name,
      kind: member.kind,
      status: member.status,
      relation: member.relation,
      guardian: member.guardian,
    })),
  };
}

export const familyRoutes: FastifyPluginAsyncTypebox<FamilyRoutesOptions> = async (app, { family }) => {
  app.post(
    '/api/v1/accounts',
    {
      preHandler: requireAppScope('register'),
      schema: {
        tags: ['family'],
        summary: "Open the resident account of a card's holder (or return the one they have)",
        security,
        body: Type.Object({ owner_ehealth_card_id: EHC_ID }, { additionalProperties: false }),
        response: { 200: AccountResponse, 201: AccountResponse, ...errors },
      },
    },
    async (request, reply) => {
      const { account, created } = await family.openAccount(
        actorOf(request),
        request.body.owner_ehealth_card_id,
      );
      return reply.code(created ? 201 : 200).send(toAccountResponse(account));
    },
  );

  app.get(
    '/api/v1/accounts/:accountId',
    {
      preHandler: requireAppScope('query'),
      schema: {
        tags: ['family'],
        summary: 'A resident account and its family members',
        security,
        params: AccountParams,
        response: { 200: AccountResponse, ...errors },
      },
    },
    async (request) => toAccountResponse(await family.getAccount(actorOf(request), request.params.accountId)),
  );

  app.post(
    '/api/v1/accounts/:accountId/members',
    {
      preHandler: requireAppScope('register'),
      schema: {
        tags: ['family'],
        summary: "Link a family member's card (guardian only for a minor), within EHC_FAMILY_MAX_MEMBERS",
        security,
        params: AccountParams,
        body: Type.Object(
          { ehealth_card_id: EHC_ID, relation: Relation, guardian: Type.Boolean({ default: false }) },
          { additionalProperties: false },
        ),
        response: { 200: AccountResponse, 422: ErrorResponse, ...errors },
      },
    },
    async (request) =>
      toAccountResponse(
        await family.addMember(actorOf(request), request.params.accountId, {
          ehcId: request.body.ehealth_card_id,
          relation: request.body.relation,
          guardian: request.body.guardian,
        }),
      ),
  );

  app.delete(
    '/api/v1/accounts/:accountId/members/:ehcId',
    {
      preHandler: requireAppScope('register'),
      schema: {
        tags: ['family'],
        summary: 'Unlink a family member (the card itself is untouched)',
        security,
        params: MemberParams,
        response: { 200: AccountResponse, ...errors },
      },
    },
    async (request) =>
      toAccountResponse(
        await family.removeMember(actorOf(request), request.params.accountId, request.params.ehcId),
      ),
  );

  app.post(
    '/api/v1/accounts/:accountId/minors',
    {
      preHandler: requireAppScope('register'),
      schema: {
        tags: ['family'],
        summary:
          "The guardian registers a minor (real-name rules apply); the minor's card is linked as guarded",
        security,
        params: AccountParams,
        body: Type.Object(
          { ...RegisterCardBody.properties, relation: Type.Optional(Relation) },
          { additionalProperties: false },
        ),
        response: {
          200: RegisterCardResponse,
          201: RegisterCardResponse,
          422: ErrorResponse,
          503: ErrorResponse,
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const { card, created } = await family.registerMinor(actorOf(request), request.params.accountId, {
        ...toRegisterInput(body),
        relation: body.relation,
      });
      return reply
        .code(created ? 201 : 200)
        .send({ ...toCardResponse(card), created, ehealth_code: `${card.ehcId}:1` });
    },
  );

  app.post(
    '/api/v1/accounts/:accountId/members/:ehcId/code',
    {
      preHandler: requireAppScope('query'),
      schema: {
        tags: ['family'],
        summary: "QR text of a guarded family member's card, shown by the guardian",
        security,
        params: MemberParams,
        body: GenerateCodeBody,
        response: { 200: CodeResponse, ...errors },
      },
    },
    async (request) => {
      const code = await family.memberCode(actorOf(request), request.params.accountId, request.params.ehcId, {
        type: request.body.type,
        signed: request.body.signed === true,
      });
      return { ehealth_code: code.text, expires_at: code.expiresAt };
    },
  );
};
