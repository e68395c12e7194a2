/**
 * REST schemas of the card API (`/api/v1`). Field names follow the national `ehc.*` protocol
 * (snake_case, `id_no`, `cellphone`, `medstepcode`…) so an integrator sees one vocabulary.
 */
import { type Static, Type } from 'typebox';

const EHC_ID = Type.String({ pattern: '^[0-9A-Fa-f]{64}$', description: '电子健康卡ID, 64 hex characters' });

export const EhcIdParams = Type.Object({ ehcId: EHC_ID });

export const RegisterCardBody = Type.Object(
  {
    register_no: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: "caller's serial; repeated = same card" }),
    ),
    id_type: Type.String({ description: 'ID document type (CV02.01.101), e.g. 01', examples: ['01'] }),
    id_no: Type.String({ minLength: 1, maxLength: 32, examples: ['11010020171225006X'] }),
    name: Type.String({ minLength: 1, maxLength: 50, examples: ['张三'] }),
    gender: Type.String({ description: 'GB/T 2261.1: 1 male, 2 female', examples: ['2'] }),
    birthday: Type.String({ description: 'yyyy-MM-dd', examples: ['2017-12-25'] }),
    nation: Type.Optional(Type.String({ description: 'GB 3304, e.g. 01 汉族' })),
    nationality: Type.Optional(Type.String({ maxLength: 8 })),
    cellphone: Type.Optional(Type.String({ examples: ['13812341234'] })),
    address: Type.Optional(Type.String({ maxLength: 200 })),
    maritalstatus: Type.Optional(Type.String()),
    channel: Type.String({ description: 'card channel, e.g. 0100 staffed counter', examples: ['0100'] }),
  },
  { additionalProperties: false },
);
export type RegisterCardBody = Static<typeof RegisterCardBody>;

export const HolderView = Type.Object({
  id_type: Type.String(),
  id_no: Type.String({ description: 'full for institution apps with verify/query scope, else masked' }),
  name: Type.Union([Type.String(), Type.Null()], {
    description: 'null only on a temporary card without a name',
  }),
  gender: Type.String(),
  birthday: Type.Union([Type.String(), Type.Null()], {
    description: 'yyyy-MM-dd; null only on a temporary card',
  }),
  nation: Type.Union([Type.String(), Type.Null()]),
  cellphone: Type.Union([Type.String(), Type.Null()]),
  address: Type.Union([Type.String(), Type.Null()]),
  masked: Type.Boolean(),
});

export const CardResponse = Type.Object({
  ehealth_card_id: Type.String({ description: "the card's current EHC ID" }),
  presented_ehealth_card_id: Type.Optional(
    Type.String({
      description: 'present when the card was found by an older EHC ID (an alias after an upgrade)',
    }),
  ),
  mindex_id: Type.String(),
  kind: Type.String(),
  status: Type.String({ description: 'active | frozen | cancelled' }),
  verification_level: Type.String(),
  issued_at: Type.String(),
  holder: HolderView,
});

export const RegisterCardResponse = Type.Intersect([
  CardResponse,
  Type.Object({ created: Type.Boolean(), ehealth_code: Type.String({ description: 'static QR text' }) }),
]);

export const LookupBody = Type.Object(
  { id_type: Type.String(), id_no: Type.String() },
  { additionalProperties: false },
);

export const GenerateCodeBody = Type.Object(
  {
    type: Type.Union([Type.Literal('dynamic'), Type.Literal('static')], { default: 'dynamic' }),
    signed: Type.Optional(
      Type.Boolean({ description: 'append the node SM2 signature (offline-verifiable)' }),
    ),
  },
  { additionalProperties: false },
);

export const CodeResponse = Type.Object({
  ehealth_code: Type.String(),
  expires_at: Type.Union([Type.String(), Type.Null()]),
});

export const CodeImageQuery = Type.Object({
  type: Type.Union([Type.Literal('dynamic'), Type.Literal('static')], { default: 'dynamic' }),
  format: Type.Union([Type.Literal('png'), Type.Literal('svg')], { default: 'png' }),
  signed: Type.Optional(Type.Boolean()),
});

export const VerifyBody = Type.Object(
  {
    ehealth_code: Type.String({ minLength: 1, maxLength: 300 }),
    medstepcode: Type.String({ description: 'scene / treatment step, e.g. 010101', examples: ['010101'] }),
    terminalcode: Type.String({
      description: 'org code + department code',
      examples: ['12370100MB0000010100'],
    }),
    channelcode: Type.String({ description: '01 counter, 02 kiosk, 99 other', examples: ['01'] }),
    depcode: Type.Optional(Type.String()),
    cost_type: Type.Optional(Type.String({ description: '0100 self-pay, 0200 insurance…' })),
  },
  { additionalProperties: false },
);

export const VerifyResponse = Type.Intersect([CardResponse, Type.Object({ presented: Type.String() })]);

export const ReasonBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);

export const AlterHolderBody = Type.Object(
  {
    name: Type.Optional(Type.String()),
    cellphone: Type.Optional(Type.String()),
    address: Type.Optional(Type.String()),
    nation: Type.Optional(Type.String()),
    maritalstatus: Type.Optional(Type.String()),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const HistoryResponse = Type.Object({
  events: Type.Array(
    Type.Object({
      event: Type.String(),
      actor: Type.String(),
      reason: Type.Union([Type.String(), Type.Null()]),
      changes: Type.Unknown(),
      created_at: Type.String(),
    }),
  ),
});

export const ReportCardUsesBody = Type.Object(
  {
    records: Type.Array(
      Type.Object(
        {
          ehealth_card_id: EHC_ID,
          medstep_code: Type.String({ examples: ['0101051'] }),
          terminal_code: Type.String(),
          channel_code: Type.String({ examples: ['01'] }),
          use_time: Type.String({
            format: 'date-time',
            description: 'ISO 8601 with offset, e.g. 2026-11-22T16:00:00+08:00',
          }),
          cost_type: Type.Optional(Type.String()),
          dep_code: Type.Optional(Type.String()),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 1000 },
    ),
  },
  { additionalProperties: false },
);

export const ReportCardUsesResponse = Type.Object({
  accepted: Type.Integer({ description: 'records accepted (new plus already known)' }),
  recorded: Type.Integer({ description: 'records new to the platform' }),
  duplicates: Type.Integer({ description: 'records it already had (a retried batch)' }),
});

const GuardianByCard = Type.Object(
  { ehealth_card_id: EHC_ID },
  { additionalProperties: false, description: 'a guardian holding an active card' },
);
const GuardianByIdentity = Type.Object(
  {
    id_type: Type.String({ examples: ['01'] }),
    id_no: Type.String({ minLength: 1, maxLength: 32 }),
    name: Type.String({ minLength: 1, maxLength: 50 }),
    gender: Type.String(),
    birthday: Type.String({ description: 'yyyy-MM-dd' }),
  },
  { additionalProperties: false, description: 'a guardian confirmed by real-name verification' },
);

export const RegisterNewbornBody = Type.Object(
  {
    register_no: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    channel: Type.String({ examples: ['0100'] }),
    guardian: Type.Union([GuardianByCard, GuardianByIdentity]),
    guardian_relation: Type.Union([Type.Literal('mother'), Type.Literal('father'), Type.Literal('other')]),
    child: Type.Object(
      {
        name: Type.String({ minLength: 1, maxLength: 50, examples: ['张某之子'] }),
        gender: Type.String({ examples: ['1'] }),
        birth_time: Type.String({
          description: 'ISO 8601 with a zone',
          examples: ['2026-11-20T08:30:00+08:00'],
        }),
        birth_certificate_no: Type.String({
          minLength: 4,
          maxLength: 32,
          description: '出生医学证明 number, stored as ID type 111',
          examples: ['Q370123456'],
        }),
        parity: Type.Integer({ description: '胎次', examples: [1] }),
        birth_order: Type.Integer({
          description: 'order within a multiple birth, 1 for a single birth',
          examples: [1],
        }),
        provisional_name: Type.Optional(
          Type.Boolean({ description: 'default: the name looks like 某之子/某之女' }),
        ),
        nation: Type.Optional(Type.String()),
        address: Type.Optional(Type.String({ maxLength: 200 })),
        cellphone: Type.Optional(Type.String()),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const NewbornResponse = Type.Object({
  guardian: Type.Object({
    ehealth_card_id: Type.Union([Type.String(), Type.Null()]),
    id_type: Type.String(),
    id_no: Type.String({ description: 'masked' }),
    name: Type.String(),
    relation: Type.String(),
  }),
  birth_time: Type.String(),
  parity: Type.Integer(),
  birth_order: Type.Integer(),
  provisional_name: Type.Boolean(),
  upgraded_at: Type.Union([Type.String(), Type.Null()]),
});

export const RegisterNewbornResponse = Type.Intersect([
  CardResponse,
  Type.Object({ created: Type.Boolean(), ehealth_code: Type.String(), newborn: NewbornResponse }),
]);

export const UpgradeNewbornBody = Type.Object(
  {
    id_no: Type.String({ minLength: 18, maxLength: 18, description: "the child's own resident ID number" }),
    name: Type.Optional(
      Type.String({ minLength: 1, maxLength: 50, description: 'the real name, if it changed' }),
    ),
  },
  { additionalProperties: false },
);

export const UpgradeNewbornResponse = Type.Intersect([
  CardResponse,
  Type.Object({ previous_ehealth_card_id: Type.String({ description: 'the old EHC ID, now an alias' }) }),
]);

export const IssueTemporaryBody = Type.Object(
  {
    channel: Type.String({ examples: ['0100'] }),
    name: Type.Optional(Type.String({ maxLength: 50, description: 'if known' })),
    gender: Type.Optional(Type.String({ description: 'GB/T 2261.1; default 0 unknown' })),
    birthday: Type.Optional(Type.String({ description: 'yyyy-MM-dd, if known' })),
    cellphone: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const IssueTemporaryResponse = Type.Intersect([
  CardResponse,
  Type.Object({
    ehealth_code: Type.String({ description: '<master index>:9' }),
    expires_at: Type.String({ description: 'after EHC_TEMPORARY_CARD_TTL_HOURS' }),
  }),
]);

export const MergeTemporaryBody = Type.Object(
  { into_ehealth_card_id: EHC_ID },
  { additionalProperties: false },
);

export const MergeTemporaryResponse = Type.Intersect([
  CardResponse,
  Type.Object({
    moved_card_uses: Type.Integer({ description: 'card-use records moved to the formal card' }),
    duplicates: Type.Integer({ description: 'records the formal card already had (dropped)' }),
  }),
]);
