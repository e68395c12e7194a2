/**
 * 0002: institutions (机构), departments, terminals, applications with their secrets, and the
 * single-use table of request nonces and gateway digests shared by every server process.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const timestamps = (table: string) => sql`
    alter table ${sql.table(table)}
      add column created_at timestamptz not null default now(),
      add column updated_at timestamptz not null default now()`;

  await db.schema
    .createTable('orgs')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('org_code', 'text', (col) => col.notNull().unique())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('level', 'text')
    .addColumn('type', 'text')
    .addColumn('region', 'text', (col) => col.notNull().check(sql`region ~ '^[0-9]{6}$'`))
    .addColumn('valid', 'boolean', (col) => col.notNull().defaultTo(true))
    .execute();
  await timestamps('orgs').execute(db);

  await db.schema
    .createTable('departments')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('org_id', 'integer', (col) => col.notNull().references('orgs.id'))
    .addColumn('dept_code', 'text', (col) => col.notNull().check(sql`dept_code ~ '^[0-9]{4}$'`))
    .addColumn('name', 'text', (col) => col.notNull())
    .addUniqueConstraint('departments_org_code_key', ['org_id', 'dept_code'])
    .execute();
  await timestamps('departments').execute(db);

  await db.schema
    .createTable('terminals')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('terminal_code', 'text', (col) => col.notNull().unique())
    .addColumn('org_id', 'integer', (col) => col.notNull().references('orgs.id'))
    .addColumn('department_id', 'integer', (col) => col.references('departments.id'))
    .addColumn('type_code', 'text', (col) => col.notNull().check(sql`type_code in ('01', '02', '99')`))
    .addColumn('name', 'text')
    .execute();
  await timestamps('terminals').execute(db);

  await db.schema
    .createTable('apps')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('app_id', 'text', (col) => col.notNull().unique())
    // null: a platform application (portal, federation peer) that belongs to no institution.
    .addColumn('org_id', 'integer', (col) => col.references('orgs.id'))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('scopes', sql`text[]`, (col) =>
      col.notNull().check(sql`scopes <@ array['register', 'verify', 'query', 'report', 'admin']::text[]`),
    )
    .addColumn('rate_limit_per_minute', 'integer', (col) =>
      col.notNull().check(sql`rate_limit_per_minute > 0`),
    )
    .addColumn('compat', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('active', 'boolean', (col) => col.notNull().defaultTo(true))
    .execute();
  await timestamps('apps').execute(db);

  // Data keys (wrapped by the cipher machine) under which app secrets are stored with SM4.
  await db.schema
    .createTable('app_secret_keys')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('wrapped_key', 'text', (col) => col.notNull())
    .execute();
  await timestamps('app_secret_keys').execute(db);

  await db.schema
    .createTable('app_secrets')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('app_ref', 'integer', (col) => col.notNull().references('apps.id'))
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('key_id', 'integer', (col) => col.notNull().references('app_secret_keys.id'))
    // iv ‖ SM4-CBC(data key, secret), hex. Never the plaintext secret.
    .addColumn('encrypted_secret', 'text', (col) => col.notNull())
    .addColumn('valid_from', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    // null: valid until the next rotation sets it.
    .addColumn('valid_until', 'timestamptz')
    .addUniqueConstraint('app_secrets_app_version_key', ['app_ref', 'version'])
    .execute();
  await timestamps('app_secrets').execute(db);

  // Single use of REST nonces and gateway digests within the time window, across processes.
  await db.schema
    .createTable('request_nonces')
    .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind in ('rest', 'gateway')`))
    .addColumn('app_id', 'text', (col) => col.notNull())
    .addColumn('nonce', 'text', (col) => col.notNull())
    .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
    .addPrimaryKeyConstraint('request_nonces_pkey', ['kind', 'app_id', 'nonce'])
    .execute();
  await timestamps('request_nonces').execute(db);
  await sql`create index request_nonces_expires_at on request_nonces (expires_at)`.execute(db);
}
