/**
 * The `ehc.*` gateway transport (EHC-FORMATS §4) at `/gateway`, `/ehcService/gateway.do` and
 * `/erhc/ehealthcard/business.do`.
 *
 * Decision: every answer of the gateway is HTTP 200 with the envelope, success `code` `10` or
 * failure `code` `00` with the platform error code in `sub_code` — including authentication
 * failures, malformed JSON and unknown methods — because HIS clients of the national protocol
 * read `code`, not the HTTP status. A failure is digested too when the app and its secret are
 * known; otherwise `digest` is empty.
 */
import { ERROR_CODES } from '@ehc/contract';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { AppError, isAppError } from '../../lib/errors.js';
import { SIGNATURE_WINDOW_MS } from '../../plugins/app-auth.js';
import type { AppCredentials, InstitutionsService } from '../institutions/institutions.service.js';
import type { AppCompat } from '../institutions/institutions.tables.js';
import { computeDigest, decryptBizContent, encryptBizContent, type GatewayFields } from './gateway.codec.js';
import type { GatewayRegistry } from './gateway.registry.js';

export const GATEWAY_PATHS = ['/gateway', '/ehcService/gateway.do', '/erhc/ehealthcard/business.do'] as const;

const REQUIRED = ['app_id', 'method', 'timestamp', 'digest'] as const;

/** Who the envelope's answer is digested for, once known. */
interface Signer {
  secret: string;
  compat: Required<AppCompat>;
  /** The response's plaintext biz_content (digest mode plaintext_with_secret). */
  plaintextBiz?: string;
}

const GatewayResponse = Type.Object(
  {
    code: Type.String({ description: '10 success, 00 failure', examples: ['10'] }),
    message: Type.String({ examples: ['success'] }),
    sub_code: Type.Optional(
      Type.String({ description: 'Platform error code on failure', examples: ['GATEWAY_DIGEST_INVALID'] }),
    ),
    sub_message: Type.Optional(Type.String()),
    biz_content: Type.String({ description: 'Encrypted like the request (empty on failure)' }),
    timestamp: Type.String({ examples: ['1764000000000'] }),
    digest: Type.String(),
  },
  { description: 'Gateway answer; always HTTP 200' },
);

function answer(reply: FastifyReply, signer: Signer | undefined, fields: GatewayFields): FastifyReply {
  const envelope: GatewayFields = { ...fields, timestamp: String(Date.now()) };
  envelope['digest'] = signer
    ? computeDigest(envelope, signer.secret, signer.compat, signer.plaintextBiz)
    : '';
  return reply.code(200).type('application/json; charset=utf-8').send(envelope);
}

function failure(reply: FastifyReply, request: FastifyRequest, signer: Signer | undefined, error: unknown) {
  let code: string;
  let message: string;
  if (isAppError(error)) {
    code = error.code;
    message =
      error.statusCode >= 500
        ? `${ERROR_CODES[error.code].message} (request id ${request.id})`
        : error.message;
    if (error.statusCode >= 500) request.log.error({ err: error }, 'gateway method failed');
  } else if ((error as FastifyError | undefined)?.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    code = 'PAYLOAD_TOO_LARGE';
    message = ERROR_CODES.PAYLOAD_TOO_LARGE.message;
  } else if ((error as FastifyError | undefined)?.code?.startsWith('FST_ERR_CTP')) {
    code = 'GATEWAY_REQUEST_INVALID';
    message = `the body must be a JSON object of strings: ${(error as Error).message}`;
  } else {
    request.log.error({ err: error }, 'gateway failed');
    code = 'INTERNAL_ERROR';
    message = `${ERROR_CODES.INTERNAL_ERROR.message} (request id ${request.id})`;
  }
  const fields: GatewayFields = {
    code: '00',
    message: 'failure',
    sub_code: code,
    sub_message: message,
    biz_content: '',
  };
  return answer(reply, signer && { ...signer, plaintextBiz: '' }, fields);
}

export interface GatewayRoutesDeps {
  institutions: InstitutionsService;
  registry: GatewayRegistry;
}

export function registerGatewayRoutes(
  app: FastifyInstance,
  { institutions, registry }: GatewayRoutesDeps,
): void {
  const handle = async (request: FastifyRequest, reply: FastifyReply) => {
    const signerBox: { signer?: Signer } = {};
    try {
      return await process(request, reply, signerBox);
    } catch (error) {
      return failure(reply, request, signerBox.signer, error);
    }
  };

  async function process(request: FastifyRequest, reply: FastifyReply, box: { signer?: Signer }) {
    const body = request.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new AppError(
        'GATEWAY_REQUEST_INVALID',
        'the body must be a JSON object whose fields are strings',
      );
    }
    const fields = body as Record<string, unknown>;
    const notStrings = Object.keys(fields).filter((key) => typeof fields[key] !== 'string');
    const missing = REQUIRED.filter((key) => typeof fields[key] !== 'string' || fields[key] === '');
    if (notStrings.length > 0 || missing.length > 0) {
      throw new AppError(
        'GATEWAY_REQUEST_INVALID',
        [
          missing.length > 0 ? `missing ${missing.join(', ')}` : '',
          notStrings.length > 0 ? `not strings: ${notStrings.join(', ')}` : '',
        ]
          .filter(Boolean)
          .join('; '),
      );
    }
    const envelope = fields as GatewayFields;
    const appId = envelope['app_id'] as string;
    const timestamp = envelope['timestamp'] as string;
    const transmittedBiz = envelope['biz_content'] ?? '';

    let credentials = await institutions.resolveAppCredentials(appId);
    if (!credentials) throw new AppError('APP_UNKNOWN', `app_id "${appId}" is not known or is disabled`);
    let match = verifyDigest(envelope, credentials, transmittedBiz);
    if (!match) {
      credentials = await institutions.resolveAppCredentials(appId, { fresh: true });
      match = credentials ? verifyDigest(envelope, credentials, transmittedBiz) : undefined;
    }
    if (!credentials) throw new AppError('APP_UNKNOWN', `app_id "${appId}" is not known or is disabled`);
    const compat = credentials.principal.compat;
    // Failures below are answered under the matching secret, or else the app's newest one.
    const signingSecret = match?.secret ?? credentials.secrets[0]?.secret;
    if (signingSecret) box.signer = { secret: signingSecret, compat };

    if (!/^[0-9]{1,15}$/.test(timestamp) || Math.abs(Number(timestamp) - Date.now()) > SIGNATURE_WINDOW_MS) {
      throw new AppError(
        'TIMESTAMP_STALE',
        `timestamp ${timestamp} is not within 5 minutes of the server clock`,
      );
    }
    if (!match) {
      throw new AppError(
        'GATEWAY_DIGEST_INVALID',
        'digest does not match: SM3 over the sorted k=v&… of every other non-empty field followed by the app secret',
      );
    }
    box.signer = { secret: match.secret, compat };

    const fresh = await app.ehcAppAuth.nonces.consume(
      'gateway',
      appId,
      envelope['digest'] as string,
      new Date(Number(timestamp) + SIGNATURE_WINDOW_MS),
    );
    if (!fresh) throw new AppError('REQUEST_REPLAYED', 'this request (same digest) was already received');
    app.ehcAppAuth.checkRateLimit(credentials.principal, credentials.rateLimitPerMinute, reply);

    const method = registry.find(envelope['method'] as string);
    if (!method) {
      throw new AppError(
        'GATEWAY_METHOD_UNKNOWN',
        `unknown method "${envelope['method']}"; known: ${registry.methods().join(', ')}`,
      );
    }
    if (!credentials.principal.scopes.includes(method.scope)) {
      throw new AppError(
        'FORBIDDEN',
        `${method.method} needs the "${method.scope}" scope, which app ${appId} lacks`,
        {
          missingScope: method.scope,
        },
      );
    }
    const plaintext = match.plaintextBiz ?? tryDecrypt(transmittedBiz, match.secret, compat);
    let biz: unknown = {};
    if (plaintext !== '') {
      try {
        biz = JSON.parse(plaintext);
      } catch {
        biz = undefined;
      }
    }
    if (typeof biz !== 'object' || biz === null || Array.isArray(biz)) {
      throw new AppError('GATEWAY_BIZ_CONTENT_INVALID', 'biz_content must decrypt to a JSON object');
    }
    const result = await method.handler(biz as Record<string, unknown>, {
      principal: credentials.principal,
      termId: envelope['term_id'] || undefined,
      request,
    });
    const resultText = JSON.stringify(result ?? {});
    return answer(
      reply,
      { ...box.signer, plaintextBiz: resultText },
      { code: '10', message: 'success', biz_content: encryptBizContent(resultText, match.secret, compat) },
    );
  }

  /** The secret (of those valid now) under which the digest matches, with the plaintext if decrypted. */
  function verifyDigest(envelope: GatewayFields, credentials: AppCredentials, transmittedBiz: string) {
    const compat = credentials.principal.compat;
    for (const { secret } of credentials.secrets) {
      let plaintextBiz: string | undefined;
      if (compat.digestMode === 'plaintext_with_secret') {
        try {
          plaintextBiz = transmittedBiz === '' ? '' : decryptBizContent(transmittedBiz, secret, compat);
        } catch {
          continue;
        }
      }
      const expected = computeDigest(envelope, secret, compat, plaintextBiz);
      if (expected === (envelope['digest'] as string).toLowerCase()) return { secret, plaintextBiz };
    }
    return undefined;
  }

  function tryDecrypt(transmitted: string, secret: string, compat: Required<AppCompat>): string {
    if (transmitted === '') return '';
    try {
      return decryptBizContent(transmitted, secret, compat);
    } catch (error) {
      throw new AppError(
        'GATEWAY_BIZ_CONTENT_INVALID',
        `biz_content cannot be decrypted: ${(error as Error).message}`,
      );
    }
  }

  for (const [index, path] of GATEWAY_PATHS.entries()) {
    app.post(
      path,
      {
        errorHandler: (error, request, reply) => failure(reply, request, undefined, error),
        schema: {
          tags: ['gateway'],
          hide: index > 0,
          summary:
            'The ehc.* gateway (EHC-FORMATS §4); aliases /ehcService/gateway.do and /erhc/ehealthcard/business.do',
          description:
            'JSON body of strings: app_id, method, biz_content (SM4-ECB PKCS#7 under the 16 bytes of the app secret, ' +
            'lowercase hex), digest_type SM3, enc_type SM4, term_id, timestamp (ms, ±5 min), version, digest = lowercase ' +
            'hex SM3 of the sorted k=v pairs of every other non-empty field joined by & and followed by the app secret. ' +
            'Always answers HTTP 200; failures have code 00 and the platform error code in sub_code. See docs/integration.md.',
          response: { 200: GatewayResponse },
        },
      },
      handle,
    );
  }
}
