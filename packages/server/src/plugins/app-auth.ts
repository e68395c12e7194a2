/**
 * Signed REST requests of applications (EHC-FORMATS §7) for routes under `/api/v1`.
 *
 * Headers X-EHC-App-Id, X-EHC-Timestamp (ms, within ±5 min), X-EHC-Nonce (single use within the
 * window, recorded in `request_nonces` so every server process sees it) and X-EHC-Signature =
 * lowercase hex HMAC-SM3(app secret, `METHOD\npath?query\ntimestamp\nnonce\nhex(SM3(body))`).
 * Any secret valid now is accepted (rotation overlap).
 *
 * Rate limit: a token bucket per app **per process** (capacity = the app's limit per minute,
 * refilled continuously). With N server processes an app may reach N times its limit; that is
 * accepted for now and documented in docs/integration.md.
 *
 * Routes use `preHandler: requireAppScope('verify')`; the handler then reads `request.appPrincipal`.
 */
import { timingSafeEqual } from 'node:crypto';
import { Readable } from 'node:stream';
import { bytesToHex, hexToBytes, hmacSm3, sm3, utf8ToBytes } from '@ehc/gm';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { DatabaseHandle } from '../db/database.js';
import { AppError } from '../lib/errors.js';
import type { AppPrincipal, InstitutionsService } from '../modules/institutions/institutions.service.js';
import type { AppScope } from '../modules/institutions/institutions.tables.js';
import { createNonceStore, type NonceStore } from './nonce-store.js';

export type { AppPrincipal } from '../modules/institutions/institutions.service.js';

/** Requests older or newer than this (ms) are refused. */
export const SIGNATURE_WINDOW_MS = 5 * 60 * 1000;
const SIGNED_PREFIX = '/api/v1/';
const EMPTY_BODY_DIGEST = bytesToHex(sm3(new Uint8Array(0)));

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated application of a signed `/api/v1` request (set by requireAppScope). */
    appPrincipal?: AppPrincipal;
    /** hex(SM3(raw body)) of a `/api/v1` request, computed before parsing. */
    ehcBodyDigest?: string;
  }
  interface FastifyInstance {
    ehcAppAuth: AppAuth;
  }
}

export interface AppAuthDeps {
  institutions: InstitutionsService;
  database: DatabaseHandle;
  now?: () => number;
}

export interface AppAuth {
  authenticate(request: FastifyRequest): Promise<{ principal: AppPrincipal; rateLimitPerMinute: number }>;
  checkRateLimit(principal: AppPrincipal, limitPerMinute: number, reply: FastifyReply): void;
  nonces: NonceStore;
}

/**
 * preHandler for a signed route: authenticates the request, requires `scope` (any authenticated
 * app when omitted), applies the app's rate limit and sets `request.appPrincipal`.
 * @example app.get('/api/v1/cards/:id', { preHandler: requireAppScope('query') }, handler)
 */
export function requireAppScope(scope?: AppScope) {
  return async function appScopeGuard(
    this: FastifyInstance,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<void> {
    const auth = this.ehcAppAuth;
    const { principal, rateLimitPerMinute } = await auth.authenticate(request);
    if (scope && !principal.scopes.includes(scope)) {
      throw new AppError(
        'FORBIDDEN',
        `this operation needs the "${scope}" scope, which app ${principal.appId} lacks`,
        {
          missingScope: scope,
        },
      );
    }
    auth.checkRateLimit(principal, rateLimitPerMinute, reply);
    request.appPrincipal = principal;
  };
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function sameHex(a: string, b: string): boolean {
  if (!/^[0-9a-f]{64}$/.test(a)) return false;
  return timingSafeEqual(hexToBytes(a), hexToBytes(b));
}

export function createAppAuth({ institutions, database, now = Date.now }: AppAuthDeps): AppAuth {
  const nonces = createNonceStore(database.db);
  const buckets = new Map<string, { tokens: number; at: number }>();

  function checkRateLimit(principal: AppPrincipal, limitPerMinute: number, reply: FastifyReply): void {
    const at = now();
    const perMs = limitPerMinute / 60_000;
    const bucket = buckets.get(principal.appId) ?? { tokens: limitPerMinute, at };
    bucket.tokens = Math.min(limitPerMinute, bucket.tokens + (at - bucket.at) * perMs);
    bucket.at = at;
    buckets.set(principal.appId, bucket);
    if (bucket.tokens < 1) {
      const retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
      reply.header('retry-after', String(retryAfter));
      throw new AppError(
        'RATE_LIMITED',
        `app ${principal.appId} exceeded ${limitPerMinute} requests per minute; retry in ${retryAfter} s`,
        {
          retryAfterSeconds: retryAfter,
        },
      );
    }
    bucket.tokens -= 1;
  }

  return {
    nonces,
    checkRateLimit,
    async authenticate(request) {
      const appId = header(request, 'x-ehc-app-id');
      const timestamp = header(request, 'x-ehc-timestamp');
      const nonce = header(request, 'x-ehc-nonce');
      const signature = header(request, 'x-ehc-signature');
      if (!appId || !timestamp || !nonce || !signature) {
        const missing = [
          ['X-EHC-App-Id', appId],
          ['X-EHC-Timestamp', timestamp],
          ['X-EHC-Nonce', nonce],
          ['X-EHC-Signature', signature],
        ]
          .filter(([, value]) => !value)
          .map(([name]) => name);
        throw new AppError('SIGNATURE_HEADERS_MISSING', `missing header ${missing.join(', ')}`, { missing });
      }
      if (!/^[0-9]{1,15}$/.test(timestamp) || Math.abs(Number(timestamp) - now()) > SIGNATURE_WINDOW_MS) {
        throw new AppError(
          'TIMESTAMP_STALE',
          `X-EHC-Timestamp ${timestamp} is not within 5 minutes of the server clock (${now()} ms)`,
        );
      }
      if (nonce.length > 64) throw new AppError('BAD_REQUEST', 'X-EHC-Nonce must be at most 64 characters');

      const text = `${request.method}\n${request.url}\n${timestamp}\n${nonce}\n${request.ehcBodyDigest ?? EMPTY_BODY_DIGEST}`;
      const matches = (secrets: { secret: string }[]) =>
        secrets.some(({ secret }) =>
          sameHex(signature, bytesToHex(hmacSm3(utf8ToBytes(secret), utf8ToBytes(text)))),
        );

      let credentials = await institutions.resolveAppCredentials(appId);
      if (credentials && !matches(credentials.secrets)) {
        // Perhaps another process rotated the secret after we cached it.
        credentials = await institutions.resolveAppCredentials(appId, { fresh: true });
        if (credentials && !matches(credentials.secrets)) {
          throw new AppError(
            'SIGNATURE_INVALID',
            'X-EHC-Signature does not match; sign METHOD\\npath?query\\ntimestamp\\nnonce\\nhex(SM3(body)) with HMAC-SM3 under the app secret',
          );
        }
      }
      if (!credentials) throw new AppError('APP_UNKNOWN', `app_id "${appId}" is not known or is disabled`);

      const fresh = await nonces.consume(
        'rest',
        appId,
        nonce,
        new Date(Number(timestamp) + SIGNATURE_WINDOW_MS),
      );
      if (!fresh) throw new AppError('REQUEST_REPLAYED', `nonce "${nonce}" was already used`);
      return { principal: credentials.principal, rateLimitPerMinute: credentials.rateLimitPerMinute };
    },
  };
}

/** Decorates the app with the signed-request authentication and serves `GET /api/v1/whoami`. */
export async function registerAppAuth(app: FastifyInstance, deps: AppAuthDeps): Promise<AppAuth> {
  const auth = createAppAuth(deps);
  app.decorate('ehcAppAuth', auth);
  app.decorateRequest('appPrincipal', undefined);
  app.decorateRequest('ehcBodyDigest', undefined);

  // The signature covers the raw body, so hash it before the JSON parser sees it.
  app.addHook('preParsing', async (request, _reply, payload) => {
    if (!request.url.startsWith(SIGNED_PREFIX)) return payload;
    // Buffered here, so the body limit is enforced here too (the parser would only see it later).
    const limit = request.routeOptions.bodyLimit ?? app.initialConfig.bodyLimit ?? 1024 * 1024;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of payload) {
      size += (chunk as Buffer).length;
      if (size > limit) throw new AppError('PAYLOAD_TOO_LARGE');
      chunks.push(chunk as Buffer);
    }
    const body = Buffer.concat(chunks);
    request.ehcBodyDigest = bytesToHex(sm3(body));
    const copy = Readable.from([body]) as Readable & { receivedEncodedLength?: number };
    copy.receivedEncodedLength = body.length;
    return copy;
  });

  app.get(
    '/api/v1/whoami',
    {
      preHandler: requireAppScope(),
      schema: {
        tags: ['apps'],
        summary: 'The calling application, as a signed request establishes it (EHC-FORMATS §7)',
        security: [{ ehcSignature: [] }],
        description:
          'Every /api/v1 route needs the headers X-EHC-App-Id, X-EHC-Timestamp (ms), X-EHC-Nonce and ' +
          'X-EHC-Signature = hex HMAC-SM3(app secret, METHOD\\npath?query\\ntimestamp\\nnonce\\nhex(SM3(body))).',
        response: {
          200: Type.Object({
            appId: Type.String({ examples: ['3f9c1a2b4d5e6f70'] }),
            orgCode: Type.Union([Type.String(), Type.Null()]),
            scopes: Type.Array(Type.String(), { examples: [['register', 'verify']] }),
          }),
        },
      },
    },
    async (request) => {
      const principal = request.appPrincipal as AppPrincipal;
      return { appId: principal.appId, orgCode: principal.orgCode, scopes: principal.scopes };
    },
  );
  return auth;
}
