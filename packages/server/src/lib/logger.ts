/**
 * The process logger (pino, shared with Fastify). Secrets are redacted by path and personal
 * identifiers are masked in every message and field, including error messages and stacks.
 */
import pino, { type Logger } from 'pino';
import { maskSensitiveText, maskSensitiveValue } from './mask.js';

const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-ehc-signature"]',
  'req.headers.cookie',
  'headers.authorization',
  '*.password',
  '*.secret',
  '*.app_secret',
  '*.appSecret',
  '*.masterKey',
  '*.privateKey',
  '*.token',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      // Runs before serializers: errors become plain, masked objects here, and the `err`
      // serializer leaves them as they are.
      serializers: { err: keepAsIs, req: keepAsIs, res: keepAsIs },
      formatters: { log: (object) => maskSensitiveValue(serializeHttp(object)) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          const masked = args.map((arg) => (typeof arg === 'string' ? maskSensitiveText(arg) : arg));
          return method.apply(this, masked as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}

const keepAsIs = (value: unknown) => value;

/** Fastify's request and response objects reduced to what a request log needs. */
function serializeHttp(object: Record<string, unknown>): Record<string, unknown> {
  const { req, res } = object as { req?: HttpRequestLike; res?: { statusCode?: unknown } };
  if (!req && !res) return object;
  return {
    ...object,
    ...(req && typeof req === 'object' && 'method' in req
      ? { req: { method: req.method, url: req.url, remoteAddress: req.ip ?? req.socket?.remoteAddress } }
      : {}),
    ...(res && typeof res === 'object' && 'statusCode' in res ? { res: { statusCode: res.statusCode } } : {}),
  };
}

interface HttpRequestLike {
  method?: string;
  url?: string;
  ip?: string;
  socket?: { remoteAddress?: string };
}
