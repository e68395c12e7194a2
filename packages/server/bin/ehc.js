#!/usr/bin/env node
// Launcher for the `ehc` operator CLI: runs the built CLI (npm ci builds it through `prepare`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(built))) {
  process.stderr.write('ehc: the CLI is not built yet; run `npm run build` at the repository root\n');
  process.exit(2);
}
await import(built.href);
