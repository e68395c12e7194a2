/**
 * `npm run bench`: every benchmark in one run, printed as Markdown for BENCHMARKS.md. Each
 * benchmark also runs OpenSSL's own `openssl speed` in the same run, so the ratios compare like
 * with like on the same machine at the same moment.
 */
import { runHttpBench } from './http.js';
import { describeMachine } from './machine.js';
import { runSm2Bench } from './sm2.js';
import { runSymmetricBench } from './symmetric.js';

const only = process.argv.slice(2);
const benches: [string, () => Promise<string>][] = [
  ['symmetric', runSymmetricBench],
  ['sm2', runSm2Bench],
  ['http', runHttpBench],
];

process.stdout.write(
  `# npm run bench (${new Date().toISOString().slice(0, 10)})\n\n${describeMachine()}\n\n`,
);
for (const [name, run] of benches) {
  if (only.length > 0 && !only.includes(name)) continue;
  process.stdout.write(`${await run()}\n\n`);
}
