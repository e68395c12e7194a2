/** TypeBox schemas of the institutions admin API, with examples for the OpenAPI document. */
import { type Static, Type } from 'typebox';

const OrgCode = Type.String({
  description: '机构代码: 2–30 letters or digits',
  examples: ['12370100MB0000001X'],
});
const Region = Type.String({ description: 'GB/T 2260 region code, six digits', examples: ['370102'] });
const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

export const Org = Type.Object(
  {
    orgCode: OrgCode,
    name: Type.String({ examples: ['济南市第一人民医院'] }),
    level: Nullable(Type.String({ description: '机构级别', examples: ['三级甲等'] })),
    type: Nullable(Type.String({ description: '机构类型 (orgproperty)', examples: ['综合医院'] })),
    region: Region,
    valid: Type.Boolean({ description: 'false: the institution is disabled and its apps cannot sign in' }),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { description: 'An institution (机构)' },
);

export const CreateOrgBody = Type.Object(
  {
    orgCode: OrgCode,
    name: Type.String({ minLength: 1, maxLength: 100, examples: ['济南市第一人民医院'] }),
    region: Region,
    level: Type.Optional(Nullable(Type.String({ maxLength: 20, examples: ['三级甲等'] }))),
    type: Type.Optional(Nullable(Type.String({ maxLength: 50, examples: ['综合医院'] }))),
    valid: Type.Optional(Type.Boolean({ default: true })),
  },
  {
    additionalProperties: false,
    examples: [
      { orgCode: '12370100MB0000001X', name: '济南市第一人民医院', region: '370102', level: '三级甲等' },
    ],
  },
);
export type CreateOrgBody = Static<typeof CreateOrgBody>;

export const UpdateOrgBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    region: Type.Optional(Region),
    level: Type.Optional(Nullable(Type.String({ maxLength: 20 }))),
    type: Type.Optional(Nullable(Type.String({ maxLength: 50 }))),
    valid: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, examples: [{ level: '三级乙等', valid: true }] },
);

export const OrgList = Type.Object({ orgs: Type.Array(Org) });

export const Department = Type.Object({
  orgCode: OrgCode,
  deptCode: Type.String({ description: 'Standard department code, four digits', examples: ['0300'] }),
  name: Type.String({ examples: ['内科'] }),
  createdAt: Type.String({ format: 'date-time' }),
});
export const CreateDepartmentBody = Type.Object(
  {
    deptCode: Type.String({ description: 'Four digits', examples: ['0300'] }),
    name: Type.String({ minLength: 1, maxLength: 100, examples: ['内科'] }),
  },
  { additionalProperties: false },
);
export const DepartmentList = Type.Object({ departments: Type.Array(Department) });

const TypeCode = Type.String({ description: '01 staffed counter · 02 kiosk · 99 other', examples: ['01'] });
export const Terminal = Type.Object({
  terminalCode: Type.String({ examples: ['12370100MB0000001X0300'] }),
  orgCode: OrgCode,
  deptCode: Nullable(Type.String()),
  typeCode: TypeCode,
  name: Nullable(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
});
export const CreateTerminalBody = Type.Object(
  {
    orgCode: OrgCode,
    deptCode: Type.Optional(Type.String({ description: 'A department of the institution' })),
    terminalCode: Type.Optional(
      Type.String({ description: 'Default: the org code followed by the department code' }),
    ),
    typeCode: TypeCode,
    name: Type.Optional(Type.String({ maxLength: 100 })),
  },
  {
    additionalProperties: false,
    examples: [{ orgCode: '12370100MB0000001X', deptCode: '0300', typeCode: '01' }],
  },
);
export const TerminalList = Type.Object({ terminals: Type.Array(Terminal) });
export const TerminalListQuery = Type.Object({ orgCode: Type.Optional(OrgCode) });

const Scope = Type.Union([
  Type.Literal('register'),
  Type.Literal('verify'),
  Type.Literal('query'),
  Type.Literal('report'),
  Type.Literal('admin'),
]);
export const AppCompat = Type.Object(
  {
    bizContentEncoding: Type.Optional(Type.Union([Type.Literal('hex'), Type.Literal('base64')])),
    digestMode: Type.Optional(Type.Union([Type.Literal('standard'), Type.Literal('plaintext_with_secret')])),
    algorithms: Type.Optional(Type.Union([Type.Literal('sm'), Type.Literal('intl')])),
  },
  {
    additionalProperties: false,
    description: 'Gateway compatibility options (EHC-FORMATS §4); defaults hex, standard, sm',
  },
);
export const App = Type.Object(
  {
    appId: Type.String({ examples: ['3f9c1a2b4d5e6f70'] }),
    orgCode: Nullable(OrgCode),
    name: Type.String({ examples: ['HIS of 济南市第一人民医院'] }),
    scopes: Type.Array(Scope),
    rateLimitPerMinute: Type.Integer(),
    compat: Type.Object({
      bizContentEncoding: Type.String(),
      digestMode: Type.String(),
      algorithms: Type.String(),
    }),
    active: Type.Boolean(),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { description: 'An application (接入应用). Its secret is never listed.' },
);
export const CreateAppBody = Type.Object(
  {
    orgCode: Type.Optional(Nullable(OrgCode)),
    name: Type.String({ minLength: 1, maxLength: 100 }),
    scopes: Type.Array(Type.String(), { minItems: 1, examples: [['register', 'verify', 'query', 'report']] }),
    rateLimitPerMinute: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 6000 })),
    compat: Type.Optional(AppCompat),
  },
  {
    additionalProperties: false,
    examples: [
      { orgCode: '12370100MB0000001X', name: 'HIS', scopes: ['register', 'verify', 'query', 'report'] },
    ],
  },
);
export const AppWithSecret = Type.Object({
  app: App,
  appSecret: Type.String({
    description: '32 hex characters, shown only in this response',
    examples: ['0123456789abcdef0123456789abcdef'],
  }),
  secretVersion: Type.Integer(),
  previousSecretValidUntil: Type.Optional(Nullable(Type.String({ format: 'date-time' }))),
});
export const AppList = Type.Object({ apps: Type.Array(App) });
export const RotateAppBody = Type.Object(
  {
    overlapSeconds: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 720 * 3600,
        default: 86_400,
        description: 'How long the previous secret keeps working (default 24 h)',
      }),
    ),
  },
  { additionalProperties: false },
);
export const OrgCodeParams = Type.Object({ code: OrgCode });
export const AppIdParams = Type.Object({ appId: Type.String() });
