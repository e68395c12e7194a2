/** The server package's version, read once from its package.json (works from src and dist alike). */
import fs from 'node:fs';

export const SERVER_VERSION: string = (
  JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
