/** One line naming the machine a benchmark ran on, for BENCHMARKS.md. */
import { execFileSync } from 'node:child_process';

export function describeMachine(): string {
  const cpu = execFileSync('sh', ['-c', "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], {
    encoding: 'utf8',
  })
    .trim()
    .replace(/\s+/g, ' ');
  const cores = execFileSync('nproc', { encoding: 'utf8' }).trim();
  const openssl = execFileSync('openssl', ['version'], { encoding: 'utf8' }).trim();
  return `Machine: ${cores} cores (\`nproc\`), ${cpu}, Node.js ${process.version}, ${openssl}`;
}
