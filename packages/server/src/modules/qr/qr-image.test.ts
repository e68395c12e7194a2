import { createRequire } from 'node:module';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { renderQrPng, renderQrSvg } from './qr-image.js';

// jsqr is CommonJS whose export is the function itself (typed as an ES default export).
const jsQR = createRequire(import.meta.url)('jsqr') as typeof import('jsqr').default;

const DYNAMIC =
  '98FF9F2C05145CB9305E9D8A57E072BB51180CA49E5BE5E9D41BCE3A9A571928:0:0123456789ABCDEF0123456789ABCDEF';

function decodePng(png: Buffer): string | undefined {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
}

describe('QR images', () => {
  it('renders a PNG that a QR decoder reads back to the same text', async () => {
    const png = await renderQrPng(DYNAMIC);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(decodePng(png)).toBe(DYNAMIC);
  });

  it('uses alphanumeric mode: the symbol for an EHC code stays small', async () => {
    const png = PNG.sync.read(await renderQrPng(DYNAMIC, { scale: 1, margin: 0 }));
    // 99 alphanumeric characters at level M fit version 5 (37 modules); byte mode would need version 6+.
    expect(png.width).toBeLessThanOrEqual(37);
  });

  it('renders an SVG with the same modules', async () => {
    const svg = await renderQrSvg(`${DYNAMIC.slice(0, 64)}:1`);
    expect(svg).toMatch(/^<svg[^>]+viewBox="0 0 \d+ \d+"/);
    expect(svg).toContain('<path');
  });
});
