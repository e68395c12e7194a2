#!/usr/bin/env node
/**
 * The `ehc` operator CLI. One file per command group; every command has --help, prints a
 * one-line error and exits non-zero on bad input, and commands that create something take --json.
 */
import { Command } from 'commander';
import { SERVER_VERSION } from '../version.js';
import { registerAppCommands } from './app.command.js';
import { registerAuditCommands } from './audit.command.js';
import { registerDbCommands } from './db.command.js';
import { registerGmCommands } from './gm.command.js';
import { registerKeysCommands } from './keys.command.js';
import { registerOrgCommands } from './org.command.js';
import { registerRegistryCommands } from './registry.command.js';
import { registerRegistryDeathsCommand } from './registry-deaths.command.js';
import { registerServeCommand } from './serve.command.js';

export function buildProgram(): Command {
  const program = new Command('ehc')
    .description('EHC platform operator CLI (电子健康卡平台运维工具)')
    .version(SERVER_VERSION)
    .showSuggestionAfterError(true)
    .configureOutput({
      outputError: (text, write) => write(`ehc: ${text.replace(/^error: /, 'error: ').trimEnd()}\n`),
    });
  registerServeCommand(program);
  registerDbCommands(program);
  registerKeysCommands(program);
  registerGmCommands(program);
  registerOrgCommands(program);
  registerAppCommands(program);
  registerAuditCommands(program);
  registerRegistryDeathsCommand(registerRegistryCommands(program));
  return program;
}

await buildProgram().parseAsync(process.argv);
