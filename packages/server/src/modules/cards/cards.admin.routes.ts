/** Operator endpoints of the card core (Bearer operator token): deaths from the civil registry. */
import { ErrorResponse } from '@ehc/contract';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { preHandlerAsyncHookHandler } from 'fastify';
import { Type } from 'typebox';
import type { CardActor, CardsService } from './cards.service.js';

export interface CardsAdminRoutesOptions {
  service: CardsService;
  requireOperator: preHandlerAsyncHookHandler;
}

const OPERATOR: CardActor = { kind: 'operator', id: 'admin-api' };

const DeathsBody = Type.Object(
  {
    records: Type.Array(
      Type.Object(
        {
          id_type: Type.String({ examples: ['01'] }),
          id_no: Type.String({ minLength: 1, maxLength: 32 }),
          deceased_on: Type.String({ description: 'yyyy-MM-dd', examples: ['2026-11-01'] }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 1000 },
    ),
  },
  { additionalProperties: false },
);

const DeathsResponse = Type.Object({
  marked: Type.Integer({ description: 'registry rows newly marked deceased (or with a changed date)' }),
  unchanged: Type.Integer({ description: 'registry rows that already held this date of death' }),
  not_in_registry: Type.Integer({ description: 'people the population registry does not know' }),
  cards_cancelled: Type.Integer({ description: "live cards cancelled with the reason 'deceased'" }),
});

export const cardsAdminRoutes: FastifyPluginAsyncTypebox<CardsAdminRoutesOptions> = async (
  app,
  { service, requireOperator },
) => {
  app.post(
    '/api/admin/registry/deaths',
    {
      preHandler: requireOperator,
      schema: {
        tags: ['admin'],
        summary:
          "Record deaths (死亡登记): mark them in the population registry and cancel their cards with the reason 'deceased'; idempotent",
        security: [{ operatorToken: [] }],
        body: DeathsBody,
        response: { 200: DeathsResponse, 400: ErrorResponse, 401: ErrorResponse, 503: ErrorResponse },
      },
    },
    async (request) => {
      const outcome = await service.recordDeaths(
        OPERATOR,
        request.body.records.map((record) => ({
          idType: record.id_type,
          idNo: record.id_no,
          deceasedOn: record.deceased_on,
        })),
      );
      return {
        marked: outcome.marked,
        unchanged: outcome.unchanged,
        not_in_registry: outcome.notInRegistry,
        cards_cancelled: outcome.cardsCancelled,
      };
    },
  );
};
