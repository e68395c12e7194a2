/**
 * Identity provider calling a remote population registry over HTTP.
 *
 * Protocol: `POST <url>` with the claim as JSON (`{"idType","idNo","name","gender","birthday"}`),
 * answered `200` with one of `{"outcome":"confirmed","deceasedOn"?:"YYYY-MM-DD"}`,
 * `{"outcome":"unknown"}`, `{"outcome":"mismatch","fields":["name"|"gender"|"birthday",…]}`.
 * A timeout, a network error, `429` or a `5xx` is retried with exponential backoff; once the
 * attempts are used up (or on any other status or a malformed answer) the result is
 * `unavailable` with a reason that names the registry's host, never the person.
 */
import type { IdentityCheckResult, IdentityClaim, IdentityProvider } from './identity-provider.js';

export interface HttpIdentityProviderOptions {
  url: string;
  /** Per attempt. */
  timeoutMs: number;
  /** Further attempts after the first. */
  retries: number;
  /** First backoff; doubled each retry (with up to 50 % jitter), capped at 5 s. Default 200 ms. */
  backoffMs?: number;
  fetch?: typeof fetch;
}

const FIELDS = new Set(['name', 'gender', 'birthday']);

export class HttpIdentityProvider implements IdentityProvider {
  readonly name = 'http';
  readonly #options: Required<HttpIdentityProviderOptions>;
  readonly #host: string;

  constructor(options: HttpIdentityProviderOptions) {
    this.#options = { backoffMs: 200, fetch: globalThis.fetch, ...options };
    this.#host = new URL(options.url).host;
  }

  async check(claim: IdentityClaim): Promise<IdentityCheckResult> {
    const body = JSON.stringify({
      idType: claim.idType,
      idNo: claim.idNo,
      name: claim.name,
      gender: claim.gender,
      birthday: claim.birthday,
    });
    const attempts = this.#options.retries + 1;
    let lastProblem = 'no attempt made';
    for (let attempt = 0; attempt < attempts; attempt += 1) {
      if (attempt > 0) await sleep(this.#backoff(attempt));
      let response: Response;
      try {
        response = await this.#options.fetch(this.#options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body,
          signal: AbortSignal.timeout(this.#options.timeoutMs),
        });
      } catch (error) {
        const name = (error as Error).name;
        lastProblem =
          name === 'TimeoutError' || name === 'AbortError'
            ? `no answer within ${this.#options.timeoutMs} ms`
            : `network error (${(error as Error).message})`;
        continue;
      }
      if (response.status === 429 || response.status >= 500) {
        await response.body?.cancel().catch(() => undefined);
        lastProblem = `answered ${response.status}`;
        continue;
      }
      if (response.status !== 200) {
        await response.body?.cancel().catch(() => undefined);
        return this.#unavailable(`answered ${response.status}`, attempt + 1);
      }
      const answer = parseAnswer(await response.text().catch(() => ''));
      return answer ?? this.#unavailable('gave an answer that is not in the protocol', attempt + 1);
    }
    return this.#unavailable(lastProblem, attempts);
  }

  #backoff(attempt: number): number {
    const base = Math.min(this.#options.backoffMs * 2 ** (attempt - 1), 5000);
    return base + Math.random() * base * 0.5;
  }

  #unavailable(problem: string, attempts: number): IdentityCheckResult {
    const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
    return { outcome: 'unavailable', reason: `identity registry ${this.#host} ${problem} (${tries})` };
  }
}

function parseAnswer(text: string): IdentityCheckResult | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const answer = value as { outcome?: unknown; fields?: unknown; deceasedOn?: unknown };
  switch (answer.outcome) {
    case 'confirmed':
      if (answer.deceasedOn === undefined || answer.deceasedOn === null) {
        return { outcome: 'confirmed', level: 'registry' };
      }
      if (typeof answer.deceasedOn !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(answer.deceasedOn))
        return undefined;
      return { outcome: 'confirmed', level: 'registry', deceasedOn: answer.deceasedOn };
    case 'unknown':
      return { outcome: 'unknown' };
    case 'mismatch': {
      const fields = answer.fields;
      if (!Array.isArray(fields) || fields.length === 0 || !fields.every((f) => FIELDS.has(f)))
        return undefined;
      return { outcome: 'mismatch', fields: fields as ('name' | 'gender' | 'birthday')[] };
    }
    default:
      return undefined;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
