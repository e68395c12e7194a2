/** `ehc org add` and `ehc org list`: institutions (机构). */
import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import type { OrgView } from '../modules/institutions/institutions.service.js';
import { withInstitutions } from './institutions-access.js';
import { action, printJson, printLine } from './output.js';

interface OrgAddOptions {
  code: string;
  name: string;
  region: string;
  level?: string;
  type?: string;
  json?: boolean;
}

export function registerOrgCommands(program: Command): void {
  const org = program.command('org').description('institutions (机构) that connect to the platform');

  org
    .command('add')
    .description('add an institution')
    .requiredOption('--code <org code>', 'organisation code (2–30 letters or digits)')
    .requiredOption('--name <name>', 'institution name')
    .requiredOption('--region <6 digits>', 'GB/T 2260 region code, e.g. 370102')
    .option('--level <level>', 'institution level, e.g. 三级甲等')
    .option('--type <type>', 'institution type, e.g. 综合医院')
    .option('--json', 'print the institution as JSON')
    .action(
      action(async (options: OrgAddOptions) => {
        const config = loadConfig();
        const input = {
          orgCode: options.code,
          name: options.name,
          region: options.region,
          ...(options.level === undefined ? {} : { level: options.level }),
          ...(options.type === undefined ? {} : { type: options.type }),
        };
        const { OPERATOR } = await import('../modules/institutions/institutions.service.js');
        const created = await withInstitutions(
          config,
          'ehc org add',
          (call) => call<OrgView>('POST', '/api/admin/orgs', input),
          (service) => service.createOrg(OPERATOR, input),
        );
        if (options.json) printJson(created);
        else printLine(`added institution ${created.orgCode} ${created.name} (region ${created.region})`);
      }),
    );

  org
    .command('list')
    .description('list institutions')
    .option('--json', 'print as JSON')
    .action(
      action(async (options: { json?: boolean }) => {
        const config = loadConfig();
        const { OPERATOR } = await import('../modules/institutions/institutions.service.js');
        const orgs = await withInstitutions(
          config,
          'ehc org list',
          async (call) => (await call<{ orgs: OrgView[] }>('GET', '/api/admin/orgs')).orgs,
          (service) => service.listOrgs(OPERATOR),
        );
        if (options.json) printJson({ orgs });
        else if (orgs.length === 0) printLine('no institutions');
        else {
          for (const o of orgs) {
            printLine(
              [
                o.orgCode,
                o.region,
                o.valid ? 'valid' : 'INVALID',
                o.level ?? '-',
                o.type ?? '-',
                o.name,
              ].join('\t'),
            );
          }
        }
      }),
    );
}
