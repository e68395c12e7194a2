import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type HttpIdentityRegistry,
  startHttpIdentityRegistry,
} from '../../testing/http-identity-registry.js';
import { HttpIdentityProvider } from './http-identity-provider.js';

const PERSON = {
  idType: '01',
  idNo: '11010020171225006X',
  name: '张三',
  gender: '2',
  birthday: '2017-12-25',
  deceasedOn: null,
};
const CLAIM = { idType: '01', idNo: PERSON.idNo, name: '张三', gender: '2', birthday: '2017-12-25' };

describe('HTTP identity provider against a local registry server', () => {
  let registry: HttpIdentityRegistry;
  let provider: HttpIdentityProvider;

  beforeAll(async () => {
    registry = await startHttpIdentityRegistry([
      PERSON,
      {
        idType: '03',
        idNo: 'E12345678',
        name: '阿依古丽·买买提',
        gender: '2',
        birthday: '1990-01-01',
        deceasedOn: '2024-05-01',
      },
    ]);
    provider = new HttpIdentityProvider({ url: registry.url, timeoutMs: 300, retries: 2, backoffMs: 10 });
  });

  afterAll(async () => {
    await registry.close();
  });

  it('maps confirmed, unknown, mismatch and deceased answers', async () => {
    expect(await provider.check(CLAIM)).toEqual({ outcome: 'confirmed', level: 'registry' });
    expect(await provider.check({ ...CLAIM, idNo: '11010020171225006x' })).toEqual({
      outcome: 'confirmed',
      level: 'registry',
    });
    expect(await provider.check({ ...CLAIM, idNo: '110100201712250049' })).toEqual({ outcome: 'unknown' });
    expect(await provider.check({ ...CLAIM, name: '张四', birthday: '2017-12-24' })).toEqual({
      outcome: 'mismatch',
      fields: ['name', 'birthday'],
    });
    expect(
      await provider.check({
        idType: '03',
        idNo: 'E12345678',
        name: '阿依古丽•买买提',
        gender: '2',
        birthday: '1990-01-01',
      }),
    ).toEqual({ outcome: 'confirmed', level: 'registry', deceasedOn: '2024-05-01' });
    expect(registry.requests.at(-1)).toMatchObject({ idType: '03', name: '阿依古丽•买买提' });
  });

  it('retries 503, 429, timeouts and dropped connections with backoff, then answers', async () => {
    registry.failNext({ status: 503 }, { delayMs: 1000 });
    const before = registry.requests.length;
    expect(await provider.check(CLAIM)).toEqual({ outcome: 'confirmed', level: 'registry' });
    expect(registry.requests.length - before).toBe(3);
    registry.failNext({ hangUp: true }, { status: 429 });
    expect(await provider.check(CLAIM)).toEqual({ outcome: 'confirmed', level: 'registry' });
  });

  it('is unavailable once the attempts are used up, naming the host but not the person', async () => {
    registry.failNext({ status: 502 }, { status: 503 }, { delayMs: 1000 });
    const result = await provider.check(CLAIM);
    expect(result).toMatchObject({ outcome: 'unavailable' });
    const reason = (result as { reason: string }).reason;
    expect(reason).toMatch(/127\.0\.0\.1:\d+ no answer within 300 ms \(3 attempts\)/);
    expect(reason).not.toContain(PERSON.idNo);
  });

  it('does not retry a 4xx or a malformed answer', async () => {
    registry.failNext({ status: 400 });
    const before = registry.requests.length;
    expect(await provider.check(CLAIM)).toMatchObject({
      outcome: 'unavailable',
      reason: expect.stringMatching(/answered 400 \(1 attempt\)/),
    });
    registry.failNext({ body: '{"outcome":"maybe"}' });
    expect(await provider.check(CLAIM)).toMatchObject({
      outcome: 'unavailable',
      reason: expect.stringMatching(/not in the protocol/),
    });
    registry.failNext({ body: '{"outcome":"mismatch","fields":["phone"]}' });
    expect(await provider.check(CLAIM)).toMatchObject({ outcome: 'unavailable' });
    expect(registry.requests.length - before).toBe(3);
  });

  it('is unavailable when nothing listens', async () => {
    const closed = await startHttpIdentityRegistry([]);
    const url = closed.url;
    await closed.close();
    const offline = new HttpIdentityProvider({ url, timeoutMs: 300, retries: 1, backoffMs: 10 });
    expect(await offline.check(CLAIM)).toMatchObject({
      outcome: 'unavailable',
      reason: expect.stringMatching(/network error.*\(2 attempts\)/),
    });
  });
});
