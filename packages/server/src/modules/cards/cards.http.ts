/** What the card route files share: the caller as an actor, error responses, and body mapping. */
import { ErrorResponse } from '@ehc/contract';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../lib/errors.js';
import type { RegisterCardBody } from './cards.schemas.js';
import type { CardActor, RegisterCardInput } from './cards.service.js';

/** Error responses every signed card route may give. */
export const CARD_ROUTE_ERRORS = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
};

/** OpenAPI security of a signed `/api/v1` route. */
export const SIGNED = [{ ehcSignature: [] }];

/** The authenticated app (set by requireAppScope) as the actor of a card operation. */
export function actorOf(request: FastifyRequest): CardActor {
  const principal = request.appPrincipal;
  if (!principal) throw new AppError('UNAUTHORIZED');
  return { kind: 'app', appId: principal.appId, orgCode: principal.orgCode, scopes: principal.scopes };
}

/** A registration body in the protocol's names as the service's input. */
export function toRegisterInput(body: RegisterCardBody): RegisterCardInput {
  return {
    registerNo: body.register_no,
    idType: body.id_type,
    idNo: body.id_no,
    name: body.name,
    gender: body.gender,
    birthday: body.birthday,
    nation: body.nation,
    nationality: body.nationality,
    cellphone: body.cellphone,
    address: body.address,
    maritalStatus: body.maritalstatus,
    channel: body.channel,
  };
}
