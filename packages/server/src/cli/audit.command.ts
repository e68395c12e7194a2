/** `ehc audit verify`: walk the SM3 chain of the audit log (C4). */
import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import type { AuditChainReport } from '../modules/audit/audit.service.js';
import { action, printJson, printLine } from './output.js';

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('the audit log (审计日志)');

  audit
    .command('verify')
    .description(
      'check the whole SM3 chain of the audit log; exit 0 when intact, 1 naming the first entry that does not match',
    )
    .option('--json', 'print the report as JSON')
    .action(
      action(async (options: { json?: boolean }) => {
        const config = loadConfig();
        const report = await readReport(config);
        if (options.json) printJson(report);
        else if (report.intact) {
          printLine(
            report.entries === 0
              ? 'audit chain intact: no entries yet'
              : `audit chain intact: ${report.entries} entries, last seq ${report.lastSeq}, head hash ${report.lastHash}`,
          );
        } else {
          printLine(
            `audit chain BROKEN at entry ${report.firstBad.seq} (${report.firstBad.reason}): ${report.firstBad.message}; ` +
              `${report.entries} entries before it match`,
          );
        }
        if (!report.intact) process.exitCode = 1;
      }),
    );
}

async function readReport(config: ReturnType<typeof loadConfig>): Promise<AuditChainReport> {
  const { callAdminApi, openDatabaseForCommand, runningServerOf } = await import('./node-access.js');
  const server = runningServerOf(config);
  if (server) return callAdminApi<AuditChainReport>(config, server.url, 'GET', '/api/admin/audit/verify');
  const database = await openDatabaseForCommand(config, 'ehc audit verify');
  try {
    const { chainAndVerifyAuditLog } = await import('../modules/audit/audit.service.js');
    return await chainAndVerifyAuditLog(database.db);
  } finally {
    await database.close();
  }
}
