/**
 * Data access for institutions, departments, terminals, applications and their secrets. Kysely
 * only; returns rows or undefined and leaves every rule to the service.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { AppCompat, AppScope, TerminalTypeCode } from './institutions.tables.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Postgres unique-violation (SQLSTATE 23505) on both back ends. */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '23505';
}

export function createInstitutionsRepository(db: Kysely<Database>) {
  return {
    db,

    findOrgByCode(code: string, tx: Db = db) {
      return tx.selectFrom('orgs').selectAll().where('org_code', '=', code).executeTakeFirst();
    },

    findOrgById(id: number, tx: Db = db) {
      return tx.selectFrom('orgs').selectAll().where('id', '=', id).executeTakeFirst();
    },

    listOrgs() {
      return db.selectFrom('orgs').selectAll().orderBy('org_code').execute();
    },

    insertOrg(row: {
      org_code: string;
      name: string;
      level: string | null;
      type: string | null;
      region: string;
    }) {
      return db.insertInto('orgs').values(row).returningAll().executeTakeFirstOrThrow();
    },

    updateOrg(
      id: number,
      patch: Partial<{
        name: string;
        level: string | null;
        type: string | null;
        region: string;
        valid: boolean;
      }>,
    ) {
      return db
        .updateTable('orgs')
        .set({ ...patch, updated_at: new Date() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    insertDepartment(row: { org_id: number; dept_code: string; name: string }) {
      return db.insertInto('departments').values(row).returningAll().executeTakeFirstOrThrow();
    },

    findDepartment(orgId: number, deptCode: string) {
      return db
        .selectFrom('departments')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('dept_code', '=', deptCode)
        .executeTakeFirst();
    },

    listDepartments(orgId: number) {
      return db
        .selectFrom('departments')
        .selectAll()
        .where('org_id', '=', orgId)
        .orderBy('dept_code')
        .execute();
    },

    insertTerminal(row: {
      terminal_code: string;
      org_id: number;
      department_id: number | null;
      type_code: TerminalTypeCode;
      name: string | null;
    }) {
      return db.insertInto('terminals').values(row).returningAll().executeTakeFirstOrThrow();
    },

    listTerminals(orgId?: number) {
      let query = db
        .selectFrom('terminals')
        .innerJoin('orgs', 'orgs.id', 'terminals.org_id')
        .leftJoin('departments', 'departments.id', 'terminals.department_id')
        .select([
          'terminals.terminal_code',
          'terminals.type_code',
          'terminals.name',
          'terminals.created_at',
          'orgs.org_code',
          'departments.dept_code',
        ])
        .orderBy('terminals.terminal_code');
      if (orgId !== undefined) query = query.where('terminals.org_id', '=', orgId);
      return query.execute();
    },

    findTerminalByCode(code: string) {
      return db
        .selectFrom('terminals')
        .innerJoin('orgs', 'orgs.id', 'terminals.org_id')
        .leftJoin('departments', 'departments.id', 'terminals.department_id')
        .select([
          'terminals.terminal_code',
          'terminals.type_code',
          'terminals.name',
          'terminals.created_at',
          'orgs.org_code',
          'departments.dept_code',
        ])
        .where('terminals.terminal_code', '=', code)
        .executeTakeFirst();
    },

    insertApp(
      tx: Db,
      row: {
        app_id: string;
        org_id: number | null;
        name: string;
        scopes: AppScope[];
        rate_limit_per_minute: number;
        compat: AppCompat;
      },
    ) {
      return tx
        .insertInto('apps')
        .values({ ...row, compat: JSON.stringify(row.compat) })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    findAppByAppId(appId: string, tx: Db = db) {
      return tx
        .selectFrom('apps')
        .leftJoin('orgs', 'orgs.id', 'apps.org_id')
        .selectAll('apps')
        .select('orgs.org_code')
        .where('apps.app_id', '=', appId)
        .executeTakeFirst();
    },

    listApps() {
      return db
        .selectFrom('apps')
        .leftJoin('orgs', 'orgs.id', 'apps.org_id')
        .selectAll('apps')
        .select('orgs.org_code')
        .orderBy('apps.id')
        .execute();
    },

    latestSecretKey() {
      return db.selectFrom('app_secret_keys').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst();
    },

    insertSecretKey(wrappedKey: string) {
      return db
        .insertInto('app_secret_keys')
        .values({ wrapped_key: wrappedKey })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    findSecretKey(id: number) {
      return db.selectFrom('app_secret_keys').selectAll().where('id', '=', id).executeTakeFirst();
    },

    insertSecret(
      tx: Db,
      row: { app_ref: number; version: number; key_id: number; encrypted_secret: string; valid_from: Date },
    ) {
      return tx.insertInto('app_secrets').values(row).returningAll().executeTakeFirstOrThrow();
    },

    /** Ends every open-ended or later-ending secret of the app at `until` (a rotation's overlap). */
    limitSecrets(tx: Db, appRef: number, until: Date) {
      return tx
        .updateTable('app_secrets')
        .set({ valid_until: until, updated_at: new Date() })
        .where('app_ref', '=', appRef)
        .where((eb) => eb.or([eb('valid_until', 'is', null), eb('valid_until', '>', until)]))
        .execute();
    },

    latestSecretVersion(tx: Db, appRef: number) {
      return tx
        .selectFrom('app_secrets')
        .select((eb) => eb.fn.max('version').as('version'))
        .where('app_ref', '=', appRef)
        .executeTakeFirst();
    },

    /** Secrets not yet expired at `at` (valid_from may lie in the future only by clock skew). */
    secretsValidAt(appRef: number, at: Date) {
      return db
        .selectFrom('app_secrets')
        .selectAll()
        .where('app_ref', '=', appRef)
        .where((eb) => eb.or([eb('valid_until', 'is', null), eb('valid_until', '>', at)]))
        .orderBy('version', 'desc')
        .execute();
    },

    /** Locks the app row so that two rotations of one app run one after the other. */
    lockApp(tx: Db, appRef: number) {
      return tx.selectFrom('apps').select('id').where('id', '=', appRef).forUpdate().executeTakeFirst();
    },
  };
}

export type InstitutionsRepository = ReturnType<typeof createInstitutionsRepository>;
