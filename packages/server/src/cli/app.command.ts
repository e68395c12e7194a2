/** `ehc app add|rotate|list`: applications (接入应用) and their secrets. Secrets are printed only on add and rotate. */
import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import type { AppView, AppWithSecret } from '../modules/institutions/institutions.service.js';
import { withInstitutions } from './institutions-access.js';
import { action, CliError, notice, printJson, printLine } from './output.js';

const SECRET_NOTICE = 'the app secret is shown only now: hand it to the integrator over a safe channel';

function secretOutput(result: AppWithSecret) {
  return {
    app_id: result.app.appId,
    app_secret: result.appSecret,
    secret_version: result.secretVersion,
    ...(result.previousSecretValidUntil === undefined
      ? {}
      : { previous_secret_valid_until: result.previousSecretValidUntil }),
    app: result.app,
  };
}

function parseWhole(value: string, flag: string, min: number, max: number): number {
  const number = Number(value);
  if (!/^[0-9]+$/.test(value) || number < min || number > max) {
    throw new CliError(`${flag} must be a whole number from ${min} to ${max}, got "${value}"`);
  }
  return number;
}

export function registerAppCommands(program: Command): void {
  const app = program
    .command('app')
    .description('applications (接入应用): app_id, secret, scopes, rate limit');

  app
    .command('add')
    .description('create an application and print its app_id and app_secret (shown once)')
    .option('--org <org code>', 'the institution it belongs to (omit for a platform application)')
    .requiredOption('--name <name>', 'application name')
    .requiredOption('--scopes <list>', 'comma-separated: register,verify,query,report,admin')
    .option('--rate-limit <n>', 'requests per minute (default 6000)')
    .option('--json', 'print as JSON')
    .action(
      action(
        async (options: {
          org?: string;
          name: string;
          scopes: string;
          rateLimit?: string;
          json?: boolean;
        }) => {
          const config = loadConfig();
          const input = {
            ...(options.org === undefined ? {} : { orgCode: options.org }),
            name: options.name,
            scopes: options.scopes.split(','),
            ...(options.rateLimit === undefined
              ? {}
              : { rateLimitPerMinute: parseWhole(options.rateLimit, '--rate-limit', 1, 1_000_000) }),
          };
          const { OPERATOR } = await import('../modules/institutions/institutions.service.js');
          const result = await withInstitutions(
            config,
            'ehc app add',
            (call) => call<AppWithSecret>('POST', '/api/admin/apps', input),
            (service) => service.createApp(OPERATOR, input),
          );
          if (options.json) printJson(secretOutput(result));
          else {
            printLine(`app_id:     ${result.app.appId}`);
            printLine(`app_secret: ${result.appSecret}`);
            printLine(`scopes:     ${result.app.scopes.join(',')}`);
          }
          notice(SECRET_NOTICE);
        },
      ),
    );

  app
    .command('rotate')
    .description('issue a new secret; the previous one keeps working for the overlap')
    .argument('<app_id>', 'the application')
    .option('--overlap-hours <n>', 'hours the previous secret stays valid (0–720, default 24)')
    .option('--json', 'print as JSON')
    .action(
      action(async (appId: string, options: { overlapHours?: string; json?: boolean }) => {
        const config = loadConfig();
        let overlapSeconds: number | undefined;
        if (options.overlapHours !== undefined) {
          const hours = Number(options.overlapHours);
          if (!/^[0-9]+(\.[0-9]+)?$/.test(options.overlapHours) || hours > 720) {
            throw new CliError(
              `--overlap-hours must be a number from 0 to 720, got "${options.overlapHours}"`,
            );
          }
          overlapSeconds = Math.round(hours * 3600);
        }
        const body = overlapSeconds === undefined ? {} : { overlapSeconds };
        const { OPERATOR } = await import('../modules/institutions/institutions.service.js');
        const result = await withInstitutions(
          config,
          'ehc app rotate',
          (call) => call<AppWithSecret>('POST', `/api/admin/apps/${encodeURIComponent(appId)}/rotate`, body),
          (service) => service.rotateAppSecret(OPERATOR, appId, body),
        );
        if (options.json) printJson(secretOutput(result));
        else {
          printLine(`app_id:     ${result.app.appId}`);
          printLine(`app_secret: ${result.appSecret} (version ${result.secretVersion})`);
          printLine(`previous secret valid until ${result.previousSecretValidUntil}`);
        }
        notice(SECRET_NOTICE);
      }),
    );

  app
    .command('list')
    .description('list applications (never their secrets)')
    .option('--json', 'print as JSON')
    .action(
      action(async (options: { json?: boolean }) => {
        const config = loadConfig();
        const { OPERATOR } = await import('../modules/institutions/institutions.service.js');
        const apps = await withInstitutions(
          config,
          'ehc app list',
          async (call) => (await call<{ apps: AppView[] }>('GET', '/api/admin/apps')).apps,
          (service) => service.listApps(OPERATOR),
        );
        if (options.json) printJson({ apps });
        else if (apps.length === 0) printLine('no applications');
        else {
          for (const a of apps) {
            printLine(
              [
                a.appId,
                a.orgCode ?? '(platform)',
                a.scopes.join(','),
                `${a.rateLimitPerMinute}/min`,
                a.name,
              ].join('\t'),
            );
          }
        }
      }),
    );
}
