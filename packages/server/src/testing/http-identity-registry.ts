/**
 * A remote population registry for tests: a real node:http server on an ephemeral port speaking
 * the protocol of HttpIdentityProvider, answering from an in-memory list with the same matching
 * rules as the registry table. Failures can be scheduled to exercise timeouts and retries.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { compareClaim, type RegistryRecord } from '../modules/identity/identity-match.js';
import type { IdentityClaim } from '../modules/identity/identity-provider.js';

export interface RegistryPersonRecord extends RegistryRecord {
  idType: string;
  idNo: string;
}

export type ScheduledFailure =
  /** Answer with this HTTP status (and a JSON error body). */
  | { status: number }
  /** Wait this long before answering normally (longer than the client's timeout = a timeout). */
  | { delayMs: number }
  /** Answer 200 with this raw body. */
  | { body: string }
  /** Drop the connection without answering. */
  | { hangUp: true };

export interface HttpIdentityRegistry {
  url: string;
  /** Requests received, in order (the parsed claims). */
  requests: IdentityClaim[];
  /** Applied to the next requests, one each, before normal answers resume. */
  failNext(...failures: ScheduledFailure[]): void;
  close(): Promise<void>;
}

export async function startHttpIdentityRegistry(
  people: RegistryPersonRecord[],
): Promise<HttpIdentityRegistry> {
  const requests: IdentityClaim[] = [];
  const failures: ScheduledFailure[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((request, response) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (text += chunk));
    request.on('end', () => {
      void answer(text, request, response);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function answer(text: string, request: http.IncomingMessage, response: http.ServerResponse) {
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    if (request.method !== 'POST' || !request.headers['content-type']?.startsWith('application/json')) {
      return send(415, { error: 'POST application/json' });
    }
    let claim: IdentityClaim;
    try {
      claim = JSON.parse(text) as IdentityClaim;
    } catch {
      return send(400, { error: 'not JSON' });
    }
    requests.push(claim);
    const failure = failures.shift();
    if (failure && 'status' in failure) return send(failure.status, { error: 'scheduled failure' });
    if (failure && 'body' in failure) return send(200, failure.body);
    if (failure && 'hangUp' in failure) return request.socket.destroy();
    if (failure && 'delayMs' in failure) {
      await new Promise((resolve) => setTimeout(resolve, failure.delayMs));
      if (response.destroyed || request.socket.destroyed) return;
    }
    const person = people.find(
      (p) =>
        p.idType === claim.idType &&
        p.idNo ===
          String(claim.idNo ?? '')
            .trim()
            .toUpperCase(),
    );
    if (!person) return send(200, { outcome: 'unknown' });
    const result = compareClaim(claim, person);
    return send(
      200,
      result.outcome === 'confirmed' ? { outcome: 'confirmed', deceasedOn: result.deceasedOn } : result,
    );
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/identity/check`,
    requests,
    failNext: (...next) => failures.push(...next),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
