/** Table types of institutions, departments, terminals, applications and request nonces (migration 0002). */
import type { ColumnType, Generated } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;

export interface OrgTable {
  id: Generated<number>;
  /** 机构代码: unified social credit code or local code. */
  org_code: string;
  name: string;
  /** 机构级别, e.g. 三级甲等. */
  level: string | null;
  /** 机构类型 (orgproperty), e.g. general hospital. */
  type: string | null;
  /** GB/T 2260 region code, six digits. */
  region: string;
  valid: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface DepartmentTable {
  id: Generated<number>;
  org_id: number;
  /** Standard department code, four digits. */
  dept_code: string;
  name: string;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export type TerminalTypeCode = '01' | '02' | '99';

export interface TerminalTable {
  id: Generated<number>;
  /** By convention the org code followed by the four-digit department code. */
  terminal_code: string;
  org_id: number;
  department_id: number | null;
  type_code: TerminalTypeCode;
  name: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export type AppScope = 'register' | 'verify' | 'query' | 'report' | 'admin';

/** Per-app compatibility options of the gateway (EHC-FORMATS §4). */
export interface AppCompat {
  /** How biz_content is written: lowercase hex (default) or Base64. */
  bizContentEncoding?: 'hex' | 'base64';
  /** standard: digest over the transmitted fields + secret; plaintext_with_secret: over plaintext biz_content + `&app_secret=`. */
  digestMode?: 'standard' | 'plaintext_with_secret';
  /** sm: SM4/SM3 (default); intl: AES-128-ECB/SHA-256. */
  algorithms?: 'sm' | 'intl';
}

export interface AppTable {
  id: Generated<number>;
  app_id: string;
  org_id: number | null;
  name: string;
  scopes: AppScope[];
  rate_limit_per_minute: number;
  compat: ColumnType<AppCompat, string | undefined, string>;
  active: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface AppSecretKeyTable {
  id: Generated<number>;
  /** The SM4 data key wrapped by the cipher machine (encryptDataKey). */
  wrapped_key: string;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface AppSecretTable {
  id: Generated<number>;
  app_ref: number;
  version: number;
  key_id: number;
  /** iv ‖ SM4-CBC(data key, secret), hex. */
  encrypted_secret: string;
  valid_from: ColumnType<Date, Date | string | undefined, Date | string>;
  valid_until: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface RequestNonceTable {
  kind: 'rest' | 'gateway';
  app_id: string;
  nonce: string;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface InstitutionTables {
  orgs: OrgTable;
  departments: DepartmentTable;
  terminals: TerminalTable;
  apps: AppTable;
  app_secret_keys: AppSecretKeyTable;
  app_secrets: AppSecretTable;
  request_nonces: RequestNonceTable;
}
