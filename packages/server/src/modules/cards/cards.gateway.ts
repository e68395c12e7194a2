/**
 * The card methods of the `ehc.*` gateway (EHC-FORMATS §4): register, generate, verify, query,
 * close, alterinfo and usecarddate, translated to and from the cards service.
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../lib/errors.js';
import { bizString, type GatewayMethodContext } from '../gateway/gateway.registry.js';
import type { CardActor, CardsService, CardView } from './cards.service.js';

function actorOf(context: GatewayMethodContext): CardActor {
  const { principal } = context;
  return { kind: 'app', appId: principal.appId, orgCode: principal.orgCode, scopes: principal.scopes };
}

/** Holder and card fields in the protocol's names. */
function cardFields(card: CardView) {
  return {
    ehealth_card_id: card.ehcId,
    mindex_id: card.masterIndex,
    id_type: card.holder.idType,
    id_no: card.holder.idNo,
    name: card.holder.name ?? '',
    gender: card.holder.gender,
    nation: card.holder.nation ?? '',
    birthday: card.holder.birthday ?? '',
    cellphone: card.holder.cellphone ?? '',
    address: card.holder.address ?? '',
    card_status: card.status,
  };
}

/** `yyyyMMddHHmmss` in China Standard Time (UTC+8), as HIS systems send it. */
export function parseProtocolTime(text: string, field: string): Date {
  const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  const date = match
    ? new Date(Date.UTC(+match[1]!, +match[2]! - 1, +match[3]!, +match[4]! - 8, +match[5]!, +match[6]!))
    : undefined;
  if (!date || Number.isNaN(date.getTime()) || date.getUTCMinutes() !== +match![5]!) {
    throw new AppError('GATEWAY_BIZ_CONTENT_INVALID', `${field} must be yyyyMMddHHmmss`, {
      issues: [{ path: `/biz_content/${field}`, message: 'must be yyyyMMddHHmmss' }],
    });
  }
  return date;
}

const optional = { optional: true } as const;

export function registerCardGatewayMethods(app: FastifyInstance, service: CardsService): void {
  app.registerGatewayMethod({
    method: 'ehc.ehealthcard.register',
    scope: 'register',
    async handler(biz, context) {
      const { card } = await service.registerCard(actorOf(context), {
        registerNo: bizString(biz, 'register_no', optional),
        idType: bizString(biz, 'id_type') as string,
        idNo: bizString(biz, 'id_no') as string,
        name: bizString(biz, 'name') as string,
        gender: bizString(biz, 'gender') as string,
        birthday: bizString(biz, 'birthday') as string,
        nation: bizString(biz, 'nation', optional),
        nationality: bizString(biz, 'nationality', optional),
        cellphone: bizString(biz, 'cellphone', optional),
        address: bizString(biz, 'address', optional),
        maritalStatus: bizString(biz, 'maritalstatus', optional),
        channel: bizString(biz, 'channel', optional) ?? '0100',
      });
      return { ehealth_card_id: card.ehcId, mindex_id: card.masterIndex, ehealth_code: `${card.ehcId}:1` };
    },
  });

  app.registerGatewayMethod({
    method: 'ehc.ehealthcode.generate',
    scope: 'query',
    async handler(biz, context) {
      const kind = bizString(biz, 'ewmbs', optional) ?? '0';
      if (kind !== '0' && kind !== '1') {
        throw new AppError('GATEWAY_BIZ_CONTENT_INVALID', 'ewmbs must be "0" (dynamic) or "1" (static)', {
          issues: [{ path: '/biz_content/ewmbs', message: 'must be "0" or "1"' }],
        });
      }
      const code = await service.generateCode(actorOf(context), bizString(biz, 'ehealth_card_id') as string, {
        type: kind === '0' ? 'dynamic' : 'static',
      });
      return { ehealth_code: code.text, expire_time: code.expiresAt ?? '' };
    },
  });

  app.registerGatewayMethod({
    method: 'ehc.ehealthcode.verify',
    scope: 'verify',
    async handler(biz, context) {
      const card = await service.verifyCode(actorOf(context), {
        code: bizString(biz, 'ehealth_code') as string,
        sceneCode: bizString(biz, 'medstepcode') as string,
        terminalCode: bizString(biz, 'terminalcode', optional) ?? context.termId ?? '',
        channelCode: bizString(biz, 'channelcode') as string,
        departmentCode: bizString(biz, 'depcode', optional),
        costType: bizString(biz, 'cost_type', optional),
      });
      return cardFields(card);
    },
  });

  app.registerGatewayMethod({
    method: 'ehc.ehealthcode.query',
    scope: 'query',
    async handler(biz, context) {
      const ehcId = bizString(biz, 'ehealth_card_id', optional);
      const card = ehcId
        ? await service.getCard(actorOf(context), ehcId)
        : await service.findCardByIdentity(
            actorOf(context),
            bizString(biz, 'id_type') as string,
            bizString(biz, 'id_no') as string,
          );
      return cardFields(card);
    },
  });

  app.registerGatewayMethod({
    method: 'ehc.ehealthcard.close',
    scope: 'register',
    async handler(biz, context) {
      const reason =
        bizString(biz, 'reason', optional) ??
        bizString(biz, 'revoke_no', optional) ??
        'closed by the institution';
      const card = await service.cancelCard(
        actorOf(context),
        bizString(biz, 'ehealth_card_id') as string,
        reason,
      );
      return { result: '1', ehealth_card_id: card.ehcId, card_status: card.status };
    },
  });

  app.registerGatewayMethod({
    method: 'ehc.ehealthcard.alterinfo',
    scope: 'register',
    async handler(biz, context) {
      const changes = {
        ...(bizString(biz, 'name', optional) ? { name: bizString(biz, 'name') as string } : {}),
        ...(bizString(biz, 'cellphone', optional)
          ? { cellphone: bizString(biz, 'cellphone') as string }
          : {}),
        ...(bizString(biz, 'address', optional) ? { address: bizString(biz, 'address') as string } : {}),
        ...(bizString(biz, 'nation', optional) ? { nation: bizString(biz, 'nation') as string } : {}),
        ...(bizString(biz, 'maritalstatus', optional)
          ? { maritalStatus: bizString(biz, 'maritalstatus') as string }
          : {}),
      };
      if (Object.keys(changes).length === 0) {
        throw new AppError(
          'GATEWAY_BIZ_CONTENT_INVALID',
          'send at least one of name, cellphone, address, nation, maritalstatus',
        );
      }
      const card = await service.modifyHolder(
        actorOf(context),
        bizString(biz, 'ehealth_card_id') as string,
        changes,
      );
      return { result: '1', ehealth_card_id: card.ehcId };
    },
  });

  app.registerGatewayMethod({
    method: 'ehc.ehealthcode.usecarddate',
    scope: 'report',
    async handler(biz, context) {
      const records = biz['records'];
      if (!Array.isArray(records)) {
        throw new AppError('GATEWAY_BIZ_CONTENT_INVALID', 'records must be an array', {
          issues: [{ path: '/biz_content/records', message: 'must be an array' }],
        });
      }
      const parsed = records.map((record: unknown, index) => {
        const fields = (typeof record === 'object' && record !== null ? record : {}) as Record<
          string,
          unknown
        >;
        const at = (name: string) => `records[${index}].${name}`;
        const read = (name: string, opts?: { optional: true }) => {
          try {
            return bizString(fields, name, opts);
          } catch {
            throw new AppError('GATEWAY_BIZ_CONTENT_INVALID', `biz_content.${at(name)} is required`, {
              issues: [{ path: `/biz_content/records/${index}/${name}`, message: 'required string' }],
            });
          }
        };
        return {
          ehcId: read('ehealth_card_id') as string,
          sceneCode: read('medstep_code') as string,
          terminalCode: read('terminal_code') as string,
          channelCode: read('channel_code') as string,
          usedAt: parseProtocolTime(read('use_time') as string, at('use_time')),
          costType: read('cost_type', optional),
          departmentCode: read('dep_code', optional),
        };
      });
      const result = await service.reportCardUses(actorOf(context), parsed);
      return {
        accepted: String(records.length),
        recorded: String(result.accepted),
        duplicates: String(result.duplicates),
      };
    },
  });
}
