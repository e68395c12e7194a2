/**
 * Institutions (机构), departments (科室), terminals (终端) and applications (接入应用) with their
 * secrets: the rules, validation and access checks. Every operation takes the actor first.
 * `resolveAppCredentials` serves the authentication layers (signed REST, the ehc.* gateway).
 */

import { randomBytes } from 'node:crypto';
import { isDepartmentCodeShape, isValidRegionCode } from '@ehc/gm';
import type { Selectable } from 'kysely';
import type { CipherMachine } from '../../cipher/cipher-machine.js';
import type { DatabaseHandle } from '../../db/database.js';
import { AppError } from '../../lib/errors.js';
import { createAuditLog } from '../audit/audit.service.js';
import type { AuditLog, DbExecutor } from '../audit/audit.types.js';
import { createAppSecretCrypto } from './app-secret-crypto.js';
import { createInstitutionsRepository, isUniqueViolation } from './institutions.repository.js';
import type { AppCompat, AppScope, OrgTable, TerminalTypeCode } from './institutions.tables.js';

export const APP_SCOPES: readonly AppScope[] = ['register', 'verify', 'query', 'report', 'admin'];
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 6000;
export const DEFAULT_SECRET_OVERLAP_SECONDS = 24 * 3600;
const MAX_OVERLAP_SECONDS = 720 * 3600;
/** How long resolved credentials stay cached in memory (a rotation elsewhere is seen after this). */
const CREDENTIALS_CACHE_MS = 5_000;

/** What an authenticated application is, as the auth layers establish it. */
export interface AppPrincipal {
  appId: string;
  /** null for a platform application. */
  orgCode: string | null;
  orgId: number | null;
  scopes: AppScope[];
  compat: Required<AppCompat>;
}

/** Who performs an operation: an operator (admin API, CLI) or an authenticated application. */
export type Actor = { kind: 'operator' } | { kind: 'app'; principal: AppPrincipal };

export const OPERATOR: Actor = { kind: 'operator' };

export interface OrgView {
  orgCode: string;
  name: string;
  level: string | null;
  type: string | null;
  region: string;
  valid: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface DepartmentView {
  orgCode: string;
  deptCode: string;
  name: string;
  createdAt: string;
}

export interface TerminalView {
  terminalCode: string;
  orgCode: string;
  deptCode: string | null;
  typeCode: TerminalTypeCode;
  name: string | null;
  createdAt: string;
}

export interface AppView {
  appId: string;
  orgCode: string | null;
  name: string;
  scopes: AppScope[];
  rateLimitPerMinute: number;
  compat: Required<AppCompat>;
  active: boolean;
  createdAt: string;
}

export interface AppWithSecret {
  app: AppView;
  /** 32 hex characters; shown only in this response. */
  appSecret: string;
  secretVersion: number;
  /** When the previous secret stops working (rotation only). */
  previousSecretValidUntil?: string | null;
}

export interface AppCredentials {
  principal: AppPrincipal;
  rateLimitPerMinute: number;
  /** Secrets valid at the time of the call, newest first. */
  secrets: { version: number; secret: string; validUntil: Date | null }[];
}

export interface CreateOrgInput {
  orgCode: string;
  name: string;
  region: string;
  level?: string | null | undefined;
  type?: string | null | undefined;
  valid?: boolean | undefined;
}

export interface CreateAppInput {
  orgCode?: string | null | undefined;
  name: string;
  scopes: string[];
  rateLimitPerMinute?: number | undefined;
  compat?: AppCompat | undefined;
}

export interface InstitutionsServiceDeps {
  database: DatabaseHandle;
  cipher: CipherMachine;
  /** Where admin actions are recorded (C4); the platform's audit log by default. */
  audit?: AuditLog;
  /** The clock; tests may move it. */
  now?: () => Date;
}

const ORG_CODE = /^[0-9A-Za-z]{2,30}$/;
const TERMINAL_CODE = /^[0-9A-Za-z]{2,40}$/;

export function normaliseCompat(compat: AppCompat | undefined): Required<AppCompat> {
  return {
    bizContentEncoding: compat?.bizContentEncoding ?? 'hex',
    digestMode: compat?.digestMode ?? 'standard',
    algorithms: compat?.algorithms ?? 'sm',
  };
}

function orgView(row: {
  org_code: string;
  name: string;
  level: string | null;
  type: string | null;
  region: string;
  valid: boolean;
  created_at: Date;
  updated_at: Date;
}): OrgView {
  return {
    orgCode: row.org_code,
    name: row.name,
    level: row.level,
    type: row.type,
    region: row.region,
    valid: row.valid,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

function appView(row: {
  app_id: string;
  org_code: string | null;
  name: string;
  scopes: AppScope[];
  rate_limit_per_minute: number;
  compat: AppCompat;
  active: boolean;
  created_at: Date;
}): AppView {
  return {
    appId: row.app_id,
    orgCode: row.org_code,
    name: row.name,
    scopes: row.scopes,
    rateLimitPerMinute: row.rate_limit_per_minute,
    compat: normaliseCompat(typeof row.compat === 'string' ? JSON.parse(row.compat) : row.compat),
    active: row.active,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

function requireText(value: string, field: string, max: number): string {
  const text = value.trim();
  if (text.length === 0 || text.length > max) {
    throw new AppError('VALIDATION_FAILED', `${field} must be 1 to ${max} characters`, {
      issues: [{ path: `/${field}`, message: `must be 1 to ${max} characters` }],
    });
  }
  return text;
}

function optionalText(value: string | null | undefined, field: string, max: number): string | null {
  if (value === undefined || value === null || value.trim() === '') return null;
  return requireText(value, field, max);
}

function checkRegion(region: string): string {
  if (!isValidRegionCode(region)) {
    throw new AppError(
      'REGION_INVALID',
      `region "${region}" is not a six-digit GB/T 2260 code (e.g. 370100)`,
    );
  }
  return region;
}

function checkScopes(scopes: string[]): AppScope[] {
  const unique = [...new Set(scopes.map((scope) => scope.trim()).filter((scope) => scope !== ''))];
  const unknown = unique.filter((scope) => !APP_SCOPES.includes(scope as AppScope));
  if (unique.length === 0 || unknown.length > 0) {
    throw new AppError(
      'SCOPE_INVALID',
      unknown.length > 0
        ? `unknown scope ${unknown.map((s) => `"${s}"`).join(', ')}; use ${APP_SCOPES.join(', ')}`
        : `give at least one scope of ${APP_SCOPES.join(', ')}`,
    );
  }
  return unique as AppScope[];
}

/** Operators may do everything; an application needs `scope` (and `admin` for changes). */
function authorise(actor: Actor, scope: AppScope, action: string): void {
  if (actor.kind === 'operator') return;
  if (!actor.principal.scopes.includes(scope)) {
    throw new AppError('FORBIDDEN', `${action} needs the "${scope}" scope`, { missingScope: scope });
  }
}

/** An app bound to an institution may only change its own institution. */
function authoriseOrgChange(actor: Actor, orgCode: string, action: string): void {
  authorise(actor, 'admin', action);
  if (actor.kind === 'app' && actor.principal.orgCode !== null && actor.principal.orgCode !== orgCode) {
    throw new AppError(
      'FORBIDDEN',
      `${action}: an institution's application may only change its own institution`,
    );
  }
}

export function createInstitutionsService({
  database,
  cipher,
  audit = createAuditLog(),
  now = () => new Date(),
}: InstitutionsServiceDeps) {
  const repository = createInstitutionsRepository(database.db);
  /** Records an admin action; never a secret in the details. */
  const record = (
    executor: DbExecutor,
    actor: Actor,
    action: string,
    subject: { kind: string; id: string },
    details?: Record<string, unknown>,
  ) =>
    audit.append(executor, {
      actor:
        actor.kind === 'app'
          ? { kind: 'app', id: actor.principal.appId }
          : { kind: 'operator', id: 'operator' },
      action,
      subject,
      ...(details ? { details } : {}),
    });
  const secrets = createAppSecretCrypto(repository, cipher);
  const credentialsCache = new Map<string, { expiresAt: number; value: AppCredentials | undefined }>();

  async function orgByCode(code: string): Promise<Selectable<OrgTable>> {
    const org = await repository.findOrgByCode(code);
    if (!org) throw new AppError('ORG_NOT_FOUND', `no institution has the organisation code "${code}"`);
    return org;
  }

  async function appByAppId(appId: string) {
    const app = await repository.findAppByAppId(appId);
    if (!app) throw new AppError('APP_NOT_FOUND', `no application has the app_id "${appId}"`);
    return app;
  }

  function checkOverlap(overlapSeconds: number | undefined): number {
    const seconds = overlapSeconds ?? DEFAULT_SECRET_OVERLAP_SECONDS;
    if (!Number.isFinite(seconds) || seconds < 0 || seconds > MAX_OVERLAP_SECONDS) {
      throw new AppError('OVERLAP_INVALID');
    }
    return seconds;
  }

  async function newSecretRow(appRef: number, version: number, validFrom: Date) {
    const secret = randomBytes(16).toString('hex');
    const { keyId, encrypted } = await secrets.encrypt(secret);
    return {
      secret,
      row: { app_ref: appRef, version, key_id: keyId, encrypted_secret: encrypted, valid_from: validFrom },
    };
  }

  async function loadCredentials(appId: string): Promise<AppCredentials | undefined> {
    const app = await repository.findAppByAppId(appId);
    if (!app?.active) return undefined;
    const org = app.org_id === null ? undefined : await repository.findOrgById(app.org_id);
    if (org && !org.valid) return undefined;
    const rows = await repository.secretsValidAt(app.id, now());
    const view = appView(app);
    return {
      principal: {
        appId: app.app_id,
        orgCode: app.org_code,
        orgId: app.org_id,
        scopes: view.scopes,
        compat: view.compat,
      },
      rateLimitPerMinute: app.rate_limit_per_minute,
      secrets: await Promise.all(
        rows.map(async (row) => ({
          version: row.version,
          secret: await secrets.decrypt(row.key_id, row.encrypted_secret),
          validUntil: row.valid_until === null ? null : new Date(row.valid_until),
        })),
      ),
    };
  }

  return {
    async createOrg(actor: Actor, input: CreateOrgInput): Promise<OrgView> {
      const orgCode = input.orgCode.trim();
      if (!ORG_CODE.test(orgCode))
        throw new AppError(
          'ORG_CODE_INVALID',
          `organisation code "${orgCode}" must be 2 to 30 letters or digits`,
        );
      authoriseOrgChange(actor, orgCode, 'adding an institution');
      const row = {
        org_code: orgCode,
        name: requireText(input.name, 'name', 100),
        region: checkRegion(input.region.trim()),
        level: optionalText(input.level, 'level', 20),
        type: optionalText(input.type, 'type', 50),
      };
      try {
        const created = await repository.insertOrg(row);
        await record(
          database.db,
          actor,
          'org.add',
          { kind: 'org', id: orgCode },
          { name: row.name, region: row.region },
        );
        return orgView(
          input.valid === false ? await repository.updateOrg(created.id, { valid: false }) : created,
        );
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new AppError('ORG_CODE_TAKEN', `an institution with the code "${orgCode}" already exists`);
        }
        throw error;
      }
    },

    async updateOrg(
      actor: Actor,
      orgCode: string,
      patch: Partial<Omit<CreateOrgInput, 'orgCode'>>,
    ): Promise<OrgView> {
      authoriseOrgChange(actor, orgCode, 'changing an institution');
      const org = await orgByCode(orgCode);
      const changes: Parameters<typeof repository.updateOrg>[1] = {};
      if (patch.name !== undefined) changes.name = requireText(patch.name, 'name', 100);
      if (patch.region !== undefined) changes.region = checkRegion(patch.region.trim());
      if (patch.level !== undefined) changes.level = optionalText(patch.level, 'level', 20);
      if (patch.type !== undefined) changes.type = optionalText(patch.type, 'type', 50);
      if (patch.valid !== undefined) changes.valid = patch.valid;
      const updated = await repository.updateOrg(org.id, changes);
      await record(
        database.db,
        actor,
        'org.update',
        { kind: 'org', id: orgCode },
        { fields: Object.keys(changes) },
      );
      credentialsCache.clear();
      return orgView(updated);
    },

    async getOrg(actor: Actor, orgCode: string): Promise<OrgView> {
      if (actor.kind === 'app' && !actor.principal.scopes.includes('admin'))
        authorise(actor, 'query', 'reading an institution');
      return orgView(await orgByCode(orgCode));
    },

    async listOrgs(actor: Actor): Promise<OrgView[]> {
      authorise(actor, 'admin', 'listing institutions');
      return (await repository.listOrgs()).map(orgView);
    },

    async addDepartment(
      actor: Actor,
      orgCode: string,
      input: { deptCode: string; name: string },
    ): Promise<DepartmentView> {
      authoriseOrgChange(actor, orgCode, 'adding a department');
      const org = await orgByCode(orgCode);
      if (!isDepartmentCodeShape(input.deptCode)) {
        throw new AppError(
          'DEPARTMENT_CODE_INVALID',
          `department code "${input.deptCode}" must be four digits (e.g. 0100)`,
        );
      }
      try {
        const row = await repository.insertDepartment({
          org_id: org.id,
          dept_code: input.deptCode,
          name: requireText(input.name, 'name', 100),
        });
        await record(
          database.db,
          actor,
          'org.department.add',
          { kind: 'org', id: orgCode },
          { deptCode: row.dept_code },
        );
        return {
          orgCode,
          deptCode: row.dept_code,
          name: row.name,
          createdAt: new Date(row.created_at).toISOString(),
        };
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new AppError(
            'DEPARTMENT_CODE_TAKEN',
            `institution "${orgCode}" already has department "${input.deptCode}"`,
          );
        }
        throw error;
      }
    },

    async listDepartments(actor: Actor, orgCode: string): Promise<DepartmentView[]> {
      authorise(actor, 'admin', 'listing departments');
      const org = await orgByCode(orgCode);
      return (await repository.listDepartments(org.id)).map((row) => ({
        orgCode,
        deptCode: row.dept_code,
        name: row.name,
        createdAt: new Date(row.created_at).toISOString(),
      }));
    },

    /** Adds a terminal; its code defaults to the org code followed by the department code. */
    async addTerminal(
      actor: Actor,
      input: {
        orgCode: string;
        deptCode?: string | undefined;
        terminalCode?: string | undefined;
        typeCode: string;
        name?: string | undefined;
      },
    ): Promise<TerminalView> {
      authoriseOrgChange(actor, input.orgCode, 'adding a terminal');
      const org = await orgByCode(input.orgCode);
      if (!['01', '02', '99'].includes(input.typeCode)) {
        throw new AppError('TERMINAL_TYPE_INVALID', `terminal type "${input.typeCode}" must be 01, 02 or 99`);
      }
      let departmentId: number | null = null;
      if (input.deptCode !== undefined) {
        const department = await repository.findDepartment(org.id, input.deptCode);
        if (!department) {
          throw new AppError(
            'DEPARTMENT_NOT_FOUND',
            `institution "${input.orgCode}" has no department "${input.deptCode}"`,
          );
        }
        departmentId = department.id;
      }
      const terminalCode = input.terminalCode ?? `${org.org_code}${input.deptCode ?? ''}`;
      if (!TERMINAL_CODE.test(terminalCode)) {
        throw new AppError(
          'TERMINAL_CODE_INVALID',
          `terminal code "${terminalCode}" must be 2 to 40 letters or digits`,
        );
      }
      try {
        await repository.insertTerminal({
          terminal_code: terminalCode,
          org_id: org.id,
          department_id: departmentId,
          type_code: input.typeCode as TerminalTypeCode,
          name: optionalText(input.name, 'name', 100),
        });
      } catch (error) {
        if (isUniqueViolation(error))
          throw new AppError('TERMINAL_CODE_TAKEN', `a terminal "${terminalCode}" already exists`);
        throw error;
      }
      await record(
        database.db,
        actor,
        'org.terminal.add',
        { kind: 'terminal', id: terminalCode },
        { orgCode: input.orgCode },
      );
      const row = await repository.findTerminalByCode(terminalCode);
      if (!row) throw new Error('terminal vanished after insert');
      return terminalView(row);
    },

    async listTerminals(
      actor: Actor,
      filter: { orgCode?: string | undefined } = {},
    ): Promise<TerminalView[]> {
      authorise(actor, 'admin', 'listing terminals');
      const orgId = filter.orgCode === undefined ? undefined : (await orgByCode(filter.orgCode)).id;
      return (await repository.listTerminals(orgId)).map(terminalView);
    },

    /** Creates an application and its first secret; the secret is returned here only. */
    async createApp(actor: Actor, input: CreateAppInput): Promise<AppWithSecret> {
      authorise(actor, 'admin', 'creating an application');
      if (actor.kind === 'app') throw new AppError('FORBIDDEN', 'only an operator may create applications');
      const scopes = checkScopes(input.scopes);
      const rateLimit = input.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE;
      if (!Number.isInteger(rateLimit) || rateLimit < 1 || rateLimit > 1_000_000)
        throw new AppError('RATE_LIMIT_INVALID');
      const name = requireText(input.name, 'name', 100);
      const org = input.orgCode ? await orgByCode(input.orgCode) : undefined;
      const compat = normaliseCompat(input.compat);
      const appId = randomBytes(8).toString('hex');
      const validFrom = now();
      // Encrypt before the transaction: the embedded database has one connection, held by it.
      const appSecret = await newSecretRow(0, 1, validFrom);
      const created = await database.db.transaction().execute(async (tx) => {
        const app = await repository.insertApp(tx, {
          app_id: appId,
          org_id: org?.id ?? null,
          name,
          scopes,
          rate_limit_per_minute: rateLimit,
          compat,
        });
        await repository.insertSecret(tx, { ...appSecret.row, app_ref: app.id, valid_from: validFrom });
        await record(
          tx,
          actor,
          'app.add',
          { kind: 'app', id: appId },
          { org: org?.org_code ?? null, scopes },
        );
        return app;
      });
      return {
        app: appView({ ...created, org_code: org?.org_code ?? null }),
        appSecret: appSecret.secret,
        secretVersion: 1,
      };
    },

    async listApps(actor: Actor): Promise<AppView[]> {
      authorise(actor, 'admin', 'listing applications');
      return (await repository.listApps()).map(appView);
    },

    async getApp(actor: Actor, appId: string): Promise<AppView> {
      if (actor.kind === 'app' && actor.principal.appId !== appId)
        authorise(actor, 'admin', 'reading an application');
      return appView(await appByAppId(appId));
    },

    /**
     * Issues a new secret. The previous ones stay valid for `overlapSeconds` (default 24 h) so
     * that the integrator can switch without an outage; 0 ends them now.
     */
    async rotateAppSecret(
      actor: Actor,
      appId: string,
      options: { overlapSeconds?: number | undefined } = {},
    ): Promise<AppWithSecret> {
      if (actor.kind === 'app' && actor.principal.appId !== appId)
        authorise(actor, 'admin', 'rotating another application');
      const overlap = checkOverlap(options.overlapSeconds);
      const app = await appByAppId(appId);
      const at = now();
      const until = new Date(at.getTime() + overlap * 1000);
      const fresh = await newSecretRow(app.id, 0, at);
      const version = await database.db.transaction().execute(async (tx) => {
        await repository.lockApp(tx, app.id);
        const latest = await repository.latestSecretVersion(tx, app.id);
        const next = Number(latest?.version ?? 0) + 1;
        await repository.limitSecrets(tx, app.id, until);
        await repository.insertSecret(tx, { ...fresh.row, version: next });
        await record(
          tx,
          actor,
          'app.rotate',
          { kind: 'app', id: appId },
          { version: next, overlapSeconds: overlap },
        );
        return next;
      });
      credentialsCache.delete(appId);
      return {
        app: appView(app),
        appSecret: fresh.secret,
        secretVersion: version,
        previousSecretValidUntil: until.toISOString(),
      };
    },

    /**
     * The application, its principal and the secrets valid now, for the auth layers. Cached for
     * a few seconds; `fresh` bypasses the cache (after a signature mismatch, to see a rotation
     * made by another process).
     */
    async resolveAppCredentials(
      appId: string,
      options: { fresh?: boolean } = {},
    ): Promise<AppCredentials | undefined> {
      const clock = now();
      const cached = credentialsCache.get(appId);
      let value: AppCredentials | undefined;
      if (cached && !options.fresh && cached.expiresAt > clock.getTime()) value = cached.value;
      else {
        value = await loadCredentials(appId);
        credentialsCache.set(appId, { expiresAt: clock.getTime() + CREDENTIALS_CACHE_MS, value });
        if (credentialsCache.size > 10_000) credentialsCache.clear();
      }
      if (!value) return undefined;
      return {
        ...value,
        secrets: value.secrets.filter((secret) => secret.validUntil === null || secret.validUntil > clock),
      };
    },
  };
}

function terminalView(row: {
  terminal_code: string;
  org_code: string;
  dept_code: string | null;
  type_code: TerminalTypeCode;
  name: string | null;
  created_at: Date;
}): TerminalView {
  return {
    terminalCode: row.terminal_code,
    orgCode: row.org_code,
    deptCode: row.dept_code,
    typeCode: row.type_code,
    name: row.name,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export type InstitutionsService = ReturnType<typeof createInstitutionsService>;
