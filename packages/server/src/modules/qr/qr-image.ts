/**
 * Images of EHC QR codes (A6): PNG for screens and printers, SVG for print layouts. The text is
 * uppercase hex, digits and ':', so it fits QR alphanumeric mode; error correction M survives a
 * slightly worn printed label.
 */
import QRCode from 'qrcode';

export interface QrImageOptions {
  /** Pixels per module (PNG) — 8 gives a 300-400 px image for a dynamic code. */
  scale?: number;
  /** Quiet-zone width in modules; the standard asks for 4. */
  margin?: number;
}

const ALPHANUMERIC = /^[0-9A-Z $%*+\-./:]+$/;

function segmentsOf(text: string): QRCode.QRCodeSegment[] | string {
  // Force alphanumeric mode for EHC codes (smaller symbol than byte mode); anything else as is.
  return ALPHANUMERIC.test(text) ? [{ data: text, mode: 'alphanumeric' }] : text;
}

export async function renderQrPng(text: string, options: QrImageOptions = {}): Promise<Buffer> {
  return QRCode.toBuffer(segmentsOf(text), {
    type: 'png',
    errorCorrectionLevel: 'M',
    scale: options.scale ?? 8,
    margin: options.margin ?? 4,
  });
}

export async function renderQrSvg(text: string, options: QrImageOptions = {}): Promise<string> {
  return QRCode.toString(segmentsOf(text), {
    type: 'svg',
    errorCorrectionLevel: 'M',
    margin: options.margin ?? 4,
  });
}
