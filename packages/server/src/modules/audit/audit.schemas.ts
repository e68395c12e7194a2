/** TypeBox schemas of the audit admin API (C4). */
import { type Static, Type } from 'typebox';

const Party = Type.Object({ kind: Type.String(), id: Type.String() });

export const AuditEntry = Type.Object(
  {
    seq: Type.Union([Type.String(), Type.Null()], {
      description: 'Position in the chain (1, 2, 3…), as a string (int8); null while waiting for the chainer',
      examples: ['42'],
    }),
    occurredAt: Type.String({ format: 'date-time' }),
    actor: Party,
    action: Type.String({ description: '`<domain>.<verb>`', examples: ['card.register'] }),
    subject: Type.Union([Party, Type.Null()]),
    details: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
    requestId: Type.Union([Type.String(), Type.Null()]),
    hash: Type.Union([Type.String(), Type.Null()], {
      description:
        'SM3(previous hash ‖ canonical JSON of the entry), hex; null while waiting for the chainer',
    }),
  },
  { description: 'An audit-log entry (审计日志)' },
);

export const AuditSearchQuery = Type.Object({
  action: Type.Optional(Type.String({ maxLength: 100, examples: ['card.verify'] })),
  subject: Type.Optional(
    Type.String({ maxLength: 200, description: '`kind:id` or an id alone', examples: ['card:0f9c…'] }),
  ),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'occurred at or after' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'occurred at or before' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  beforeSeq: Type.Optional(
    Type.String({ pattern: '^[0-9]{1,19}$', description: 'page: entries before this seq' }),
  ),
});
export type AuditSearchQuery = Static<typeof AuditSearchQuery>;

export const AuditSearchResponse = Type.Object({ entries: Type.Array(AuditEntry) });

export const AuditVerifyResponse = Type.Object(
  {
    intact: Type.Boolean(),
    entries: Type.Integer({ description: 'Entries checked and found matching' }),
    pending: Type.Integer({
      description: 'Entries committed but not yet linked by the chainer (normally linked within a second)',
    }),
    lastSeq: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    lastHash: Type.Optional(Type.String()),
    firstBad: Type.Optional(
      Type.Object({
        seq: Type.String(),
        reason: Type.Union([
          Type.Literal('seq_gap'),
          Type.Literal('prev_hash_mismatch'),
          Type.Literal('hash_mismatch'),
        ]),
        message: Type.String(),
      }),
    ),
  },
  { description: 'Result of walking the SM3 chain of the audit log' },
);
