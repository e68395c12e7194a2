/**
 * A signed `/api/v1` request (EHC-FORMATS §7) as an integrator builds it, from `node:crypto`
 * only (not the server's verifier), injected into a test app.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

export interface AppCredentials {
  appId: string;
  secret: string;
}

export function signedInject(
  app: FastifyInstance,
  credentials: AppCredentials,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  body?: unknown,
): Promise<LightMyRequestResponse> {
  const payload = body === undefined ? '' : JSON.stringify(body);
  const timestamp = String(Date.now());
  const nonce = randomBytes(12).toString('hex');
  const digest = createHash('sm3').update(payload, 'utf8').digest('hex');
  const signature = createHmac('sm3', credentials.secret)
    .update([method, url, timestamp, nonce, digest].join('\n'), 'utf8')
    .digest('hex');
  return app.inject({
    method,
    url,
    headers: {
      'x-ehc-app-id': credentials.appId,
      'x-ehc-timestamp': timestamp,
      'x-ehc-nonce': nonce,
      'x-ehc-signature': signature,
      ...(payload ? { 'content-type': 'application/json' } : {}),
    },
    ...(payload ? { payload } : {}),
  });
}
