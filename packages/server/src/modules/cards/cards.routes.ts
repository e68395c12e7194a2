/** The card REST API under `/api/v1` (signed requests, EHC-FORMATS §7); handlers only translate. */
import { ErrorResponse } from '@ehc/contract';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireAppScope } from '../../plugins/app-auth.js';
import { renderQrPng, renderQrSvg } from '../qr/qr-image.js';
import { actorOf, CARD_ROUTE_ERRORS, SIGNED, toRegisterInput } from './cards.http.js';
import {
  AlterHolderBody,
  CardResponse,
  CodeImageQuery,
  CodeResponse,
  EhcIdParams,
  GenerateCodeBody,
  HistoryResponse,
  IssueTemporaryBody,
  IssueTemporaryResponse,
  LookupBody,
  MergeTemporaryBody,
  MergeTemporaryResponse,
  NewbornResponse,
  ReasonBody,
  RegisterCardBody,
  RegisterCardResponse,
  RegisterNewbornBody,
  RegisterNewbornResponse,
  ReportCardUsesBody,
  ReportCardUsesResponse,
  UpgradeNewbornBody,
  UpgradeNewbornResponse,
  VerifyBody,
  VerifyResponse,
} from './cards.schemas.js';
import type { CardsService, CardView, NewbornView } from './cards.service.js';

export interface CardsRoutesOptions {
  service: CardsService;
}

const errors = CARD_ROUTE_ERRORS;
const security = SIGNED;

/** CardView in the protocol's vocabulary. */
export function toCardResponse(card: CardView) {
  return {
    ehealth_card_id: card.ehcId,
    ...(card.presentedAlias ? { presented_ehealth_card_id: card.presentedAlias } : {}),
    mindex_id: card.masterIndex,
    kind: card.kind,
    status: card.status,
    verification_level: card.verificationLevel,
    issued_at: card.issuedAt,
    holder: {
      id_type: card.holder.idType,
      id_no: card.holder.idNo,
      name: card.holder.name,
      gender: card.holder.gender,
      birthday: card.holder.birthday,
      nation: card.holder.nation,
      cellphone: card.holder.cellphone,
      address: card.holder.address,
      masked: card.holder.masked,
    },
  };
}

function toNewbornResponse(newborn: NewbornView) {
  return {
    guardian: {
      ehealth_card_id: newborn.guardian.ehcId,
      id_type: newborn.guardian.idType,
      id_no: newborn.guardian.idNo,
      name: newborn.guardian.name,
      relation: newborn.guardian.relation,
    },
    birth_time: newborn.birthTime,
    parity: newborn.parity,
    birth_order: newborn.birthOrder,
    provisional_name: newborn.provisionalName,
    upgraded_at: newborn.upgradedAt,
  };
}

export const cardsRoutes: FastifyPluginAsyncTypebox<CardsRoutesOptions> = async (app, { service }) => {
  // Newborn cards (A3). The national gateway protocol has no method for them: REST only.
  app.post(
    '/api/v1/newborn-cards',
    {
      preHandler: requireAppScope('register'),
      schema: {
        tags: ['cards'],
        summary: "Issue a newborn's card (新生儿卡) on the guardian's verified identity",
        security,
        body: RegisterNewbornBody,
        response: {
          200: RegisterNewbornResponse,
          201: RegisterNewbornResponse,
          422: ErrorResponse,
          503: ErrorResponse,
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const { card, newborn, created } = await service.registerNewborn(actorOf(request), {
        registerNo: body.register_no,
        channel: body.channel,
        guardian:
          'ehealth_card_id' in body.guardian
            ? { ehcId: body.guardian.ehealth_card_id }
            : {
                idType: body.guardian.id_type,
                idNo: body.guardian.id_no,
                name: body.guardian.name,
                gender: body.guardian.gender,
                birthday: body.guardian.birthday,
              },
        guardianRelation: body.guardian_relation,
        child: {
          name: body.child.name,
          gender: body.child.gender,
          birthTime: body.child.birth_time,
          birthCertificateNo: body.child.birth_certificate_no,
          parity: body.child.parity,
          birthOrder: body.child.birth_order,
          provisionalName: body.child.provisional_name,
          nation: body.child.nation,
          address: body.child.address,
          cellphone: body.child.cellphone,
        },
      });
      return reply.code(created ? 201 : 200).send({
        ...toCardResponse(card),
        created,
        ehealth_code: `${card.ehcId}:1`,
        newborn: toNewbornResponse(newborn),
      });
    },
  );

  // Temporary cards (A4): REST only, the national protocol has no method for them.
  app.post(
    '/api/v1/temporary-cards',
    {
      preHandler: requireAppScope('register'),
      schema: {
        tags: ['cards'],
        summary: 'Issue a temporary card (临时卡) without documents; code <master index>:9, expires',
        security,
        body: IssueTemporaryBody,
        response: { 201: IssueTemporaryResponse, ...errors },
      },
    },
    async (request, reply) => {
      const { card, code, expiresAt } = await service.issueTemporaryCard(actorOf(request), request.body);
      return reply.code(201).send({ ...toCardResponse(card), ehealth_code: code, expires_at: expiresAt });
    },
  );

  app.post(
    '/api/v1/temporary-cards/:ehcId/merge',
    {
      preHandler: requireAppScope('register'),
      schema: {
        tags: ['cards'],
        summary: 'Merge a temporary card and its card-use records into a formal card',
        security,
        params: EhcIdParams,
        body: MergeTemporaryBody,
        response: { 200: MergeTemporaryResponse, ...errors },
      },
    },
    async (request) => {
      const result = await service.mergeTemporaryCard(
        actorOf(request),
        request.params.ehcId,
        request.body.into_ehealth_card_id,
      );
      return {
        ...toCardResponse(result.card),
        moved_card_uses: result.movedCardUses,
        duplicates: result.duplicates,
      };
    },
  );

  app.get(
    '/api/v1/cards/:ehcId/newborn',
    {
      preHandler: requireAppScope('query'),
      schema: {
        tags: ['cards'],
        summary: "Birth facts and guardian of a newborn's card (guardian ID masked)",
        security,
        params: EhcIdParams,
        response: { 200: NewbornResponse, ...errors },
      },
    },
    async (request) => toNewbornResponse(await service.getNewborn(actorOf(request), request.params.ehcId)),
  );

  app.post(
    '/api/v1/cards/:ehcId/upgrade',
    {
      preHandler: requireAppScope('register'),
      schema: {
        tags: ['cards'],
        summary:
          "Give a newborn's card the child's own resident ID number: a new EHC ID; the old one keeps resolving",
        security,
        params: EhcIdParams,
        body: UpgradeNewbornBody,
        response: { 200: UpgradeNewbornResponse, 422: ErrorResponse, ...errors },
      },
    },
    async (request) => {
      const { card, previousEhcId } = await service.upgradeNewbornCard(
        actorOf(request),
        request.params.ehcId,
        {
          idNo: request.body.id_no,
          name: request.body.name,
        },
      );
      return { ...toCardResponse(card), previous_ehealth_card_id: previousEhcId };
    },
  );

  app.post(
    '/api/v1/cards',
    {
      preHandler: requireAppScope('register'),
      schema: {
        tags: ['cards'],
        summary: 'Register a resident and issue the card (or return the card they have)',
        security,
        body: RegisterCardBody,
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
      const { card, created } = await service.registerCard(actorOf(request), toRegisterInput(body));
      return reply
        .code(created ? 201 : 200)
        .send({ ...toCardResponse(card), created, ehealth_code: `${card.ehcId}:1` });
    },
  );

  app.get(
    '/api/v1/cards/:ehcId',
    {
      preHandler: requireAppScope('query'),
      schema: {
        tags: ['cards'],
        summary: 'A card and its holder',
        security,
        params: EhcIdParams,
        response: { 200: CardResponse, ...errors },
      },
    },
    async (request) => toCardResponse(await service.getCard(actorOf(request), request.params.ehcId)),
  );

  app.post(
    '/api/v1/cards/lookup',
    {
      preHandler: requireAppScope('query'),
      schema: {
        tags: ['cards'],
        summary: 'Find a card by ID document (in the body, so the number never lands in access logs)',
        security,
        body: LookupBody,
        response: { 200: CardResponse, ...errors },
      },
    },
    async (request) =>
      toCardResponse(
        await service.findCardByIdentity(actorOf(request), request.body.id_type, request.body.id_no),
      ),
  );

  app.post(
    '/api/v1/cards/:ehcId/code',
    {
      preHandler: requireAppScope('query'),
      schema: {
        tags: ['cards'],
        summary: 'QR text of the card: dynamic (expires after EHC_QR_DYNAMIC_TTL) or static',
        security,
        params: EhcIdParams,
        body: GenerateCodeBody,
        response: { 200: CodeResponse, ...errors },
      },
    },
    async (request) => {
      const code = await service.generateCode(actorOf(request), request.params.ehcId, {
        type: request.body.type,
        signed: request.body.signed === true,
      });
      return { ehealth_code: code.text, expires_at: code.expiresAt };
    },
  );

  app.get(
    '/api/v1/cards/:ehcId/code/image',
    {
      preHandler: requireAppScope('query'),
      schema: {
        tags: ['cards'],
        summary: 'QR image of the card (PNG or SVG)',
        security,
        params: EhcIdParams,
        querystring: CodeImageQuery,
        produces: ['image/png', 'image/svg+xml'],
      },
    },
    async (request, reply) => {
      const code = await service.generateCode(actorOf(request), request.params.ehcId, {
        type: request.query.type,
        signed: request.query.signed === true,
      });
      reply.header('cache-control', 'no-store');
      if (code.expiresAt) reply.header('x-ehc-expires-at', code.expiresAt);
      return request.query.format === 'svg'
        ? reply.type('image/svg+xml').send(await renderQrSvg(code.text))
        : reply.type('image/png').send(await renderQrPng(code.text));
    },
  );

  app.post(
    '/api/v1/verifications',
    {
      preHandler: requireAppScope('verify'),
      schema: {
        tags: ['cards'],
        summary: 'Verify a scanned code (扫码验证) and record the card use',
        security,
        body: VerifyBody,
        response: { 200: VerifyResponse, ...errors },
      },
    },
    async (request) => {
      const body = request.body;
      const card = await service.verifyCode(actorOf(request), {
        code: body.ehealth_code,
        sceneCode: body.medstepcode,
        terminalCode: body.terminalcode,
        channelCode: body.channelcode,
        departmentCode: body.depcode,
        costType: body.cost_type,
      });
      return { ...toCardResponse(card), presented: card.presented };
    },
  );

  for (const [path, summary, run] of [
    ['freeze', 'Freeze the card (冻结)', service.freezeCard],
    ['unfreeze', 'Unfreeze the card (解冻)', service.unfreezeCard],
    ['cancel', 'Cancel the card with a reason (注销)', service.cancelCard],
  ] as const) {
    app.post(
      `/api/v1/cards/:ehcId/${path}`,
      {
        preHandler: requireAppScope('register'),
        schema: {
          tags: ['cards'],
          summary,
          security,
          params: EhcIdParams,
          body: ReasonBody,
          response: { 200: CardResponse, ...errors },
        },
      },
      async (request) =>
        toCardResponse(await run(actorOf(request), request.params.ehcId, request.body.reason)),
    );
  }

  app.patch(
    '/api/v1/cards/:ehcId/holder',
    {
      preHandler: requireAppScope('register'),
      schema: {
        tags: ['cards'],
        summary: 'Change holder data (name, phone, address, nation, marital status); history is kept',
        security,
        params: EhcIdParams,
        body: AlterHolderBody,
        response: { 200: CardResponse, ...errors },
      },
    },
    async (request) => {
      const { maritalstatus, ...rest } = request.body;
      return toCardResponse(
        await service.modifyHolder(actorOf(request), request.params.ehcId, {
          ...rest,
          ...(maritalstatus === undefined ? {} : { maritalStatus: maritalstatus }),
        }),
      );
    },
  );

  app.post(
    '/api/v1/card-uses',
    {
      preHandler: requireAppScope('report'),
      schema: {
        tags: ['cards'],
        summary: 'Report card uses (用卡数据上报), idempotent per card, terminal, scene and time',
        security,
        body: ReportCardUsesBody,
        response: { 200: ReportCardUsesResponse, ...errors },
      },
    },
    async (request) => {
      const records = request.body.records.map((record) => ({
        ehcId: record.ehealth_card_id,
        sceneCode: record.medstep_code,
        terminalCode: record.terminal_code,
        channelCode: record.channel_code,
        usedAt: new Date(record.use_time),
        costType: record.cost_type,
        departmentCode: record.dep_code,
      }));
      const result = await service.reportCardUses(actorOf(request), records);
      return { accepted: records.length, recorded: result.accepted, duplicates: result.duplicates };
    },
  );

  app.get(
    '/api/v1/cards/:ehcId/history',
    {
      preHandler: requireAppScope('query'),
      schema: {
        tags: ['cards'],
        summary: 'History of the card',
        security,
        params: EhcIdParams,
        response: { 200: HistoryResponse, ...errors },
      },
    },
    async (request) => ({ events: await service.history(actorOf(request), request.params.ehcId) }),
  );
};
