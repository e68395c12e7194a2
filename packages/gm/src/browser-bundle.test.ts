/**
 * The browser build of @ehc/gm: bundled as a browser would get it (the `browser` condition picks
 * the pure SM3/SM4 backend), it must contain no Node built-in, and run the published vectors in a
 * fresh JavaScript realm that has only what a browser page has (no require, no process, no Buffer).
 */
import { webcrypto } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const SOURCE_DIR = fileURLToPath(new URL('.', import.meta.url));

async function bundleForBrowser(): Promise<string> {
  const result = await build({
    stdin: { contents: "export * from './index.ts';", resolveDir: SOURCE_DIR, loader: 'ts' },
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'ehcGm',
    conditions: ['source', 'browser'],
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error('esbuild produced no output');
  return file.text;
}

describe('@ehc/gm in a browser realm', () => {
  it('bundles without Node built-ins and computes the published vectors there', async () => {
    const code = await bundleForBrowser();
    expect(code).not.toMatch(/\brequire\(|["']node:|\bBuffer\b|process\.versions/);

    // The realm's own typed arrays must come back from its globals, as they do in a browser,
    // so TextEncoder is rebuilt inside the realm around the host's encoder.
    const page = vm.createContext({
      crypto: { getRandomValues: (array: Uint8Array) => webcrypto.getRandomValues(array) },
      hostEncode: (text: string) => Array.from(new TextEncoder().encode(text)),
      TextDecoder,
      atob,
      btoa,
    });
    vm.runInContext(
      'globalThis.TextEncoder = class TextEncoder { encode(text) { return new Uint8Array(hostEncode(text)); } };',
      page,
    );
    vm.runInContext(code, page);
    const results = vm.runInContext(
      `(() => {
        const gm = ehcGm;
        const msg = gm.utf8ToBytes('电子健康卡');
        const keys = gm.sm2GenerateKeyPair();
        const signature = gm.sm2Sign(keys.privateKey, msg);
        const ehcId = gm.computeEhcId({
          masterIndex: 'ABD17E7ED399EF68AB5660155D6E226D2C92EAC3254A4A66BED83AED0ADA1E9E',
          idType: '01',
          idNo: '11010020171225006X',
          securityKey: gm.hexToBytes('0123456789ABCDEFFEDCBA9876543210'),
        });
        const sm4Key = gm.hexToBytes('0123456789abcdeffedcba9876543210');
        return JSON.stringify({
          sm3: gm.bytesToHex(gm.sm3(gm.utf8ToBytes('abc'))),
          sm4: gm.bytesToHex(gm.sm4EncryptEcb(sm4Key, sm4Key, { padding: 'none' })),
          ehcId,
          verified: gm.sm2Verify(keys.publicKey, msg, signature),
          tamperedRejected: !gm.sm2Verify(keys.publicKey, gm.utf8ToBytes('篡改'), signature),
          qrKind: gm.parseQrText(ehcId + ':1').kind,
          backend: gm.sm2ArithmeticBackend(),
          hasProcess: typeof process !== 'undefined',
        });
      })()`,
      page,
    ) as string;

    expect(JSON.parse(results)).toEqual({
      sm3: '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0',
      sm4: '681edf34d206965e86b3e94f536e4246',
      ehcId: '98FF9F2C05145CB9305E9D8A57E072BB51180CA49E5BE5E9D41BCE3A9A571928',
      verified: true,
      tamperedRejected: true,
      qrKind: 'static',
      backend: 'wasm',
      hasProcess: false,
    });
  });
});
