/** TypeBox schemas shared by the server's routes, the CLI and the web app. */
import { type Static, Type } from 'typebox';

/** Body of every error response: `{ error: { code, message, details } }`. */
export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable error code from the catalogue, e.g. VALIDATION_FAILED' }),
      message: Type.String({ description: 'What went wrong and what to do, in plain words' }),
      details: Type.Optional(Type.Unknown({ description: 'Structured details; field issues, request id' })),
    }),
  },
  { description: 'Error envelope' },
);
export type ErrorResponse = Static<typeof ErrorResponse>;

/** One field issue inside `details.issues` of a VALIDATION_FAILED error. */
export const FieldIssue = Type.Object({
  path: Type.String({ description: 'JSON pointer of the offending field, e.g. /id_no' }),
  message: Type.String(),
});
export type FieldIssue = Static<typeof FieldIssue>;

export const HealthResponse = Type.Object({ status: Type.Literal('ok') });
export type HealthResponse = Static<typeof HealthResponse>;

export const ReadinessResponse = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('unavailable')]),
  checks: Type.Object({
    database: Type.Object({ ok: Type.Boolean(), message: Type.Optional(Type.String()) }),
    migrations: Type.Object({
      ok: Type.Boolean(),
      applied: Type.Integer(),
      pending: Type.Array(Type.String()),
    }),
    keys: Type.Object({ ok: Type.Boolean(), message: Type.Optional(Type.String()) }),
  }),
});
export type ReadinessResponse = Static<typeof ReadinessResponse>;

export const NodePublicKeyResponse = Type.Object({
  algorithm: Type.Literal('SM2'),
  publicKeyHex: Type.String({ description: 'Uncompressed SM2 public key 04‖x‖y, lowercase hex' }),
  publicKeyPem: Type.String({ description: 'SubjectPublicKeyInfo PEM, as `openssl pkey -pubout` writes' }),
  fingerprint: Type.String({ description: 'SM3 of the uncompressed public key, lowercase hex' }),
  development: Type.Boolean({ description: 'True when these are auto-created development keys' }),
});
export type NodePublicKeyResponse = Static<typeof NodePublicKeyResponse>;

export const SystemInfoResponse = Type.Object({
  name: Type.String(),
  version: Type.String(),
  database: Type.Union([Type.Literal('pglite'), Type.Literal('postgres')]),
  developmentKeys: Type.Boolean(),
});
export type SystemInfoResponse = Static<typeof SystemInfoResponse>;
