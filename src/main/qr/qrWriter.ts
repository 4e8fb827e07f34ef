import { prepareZXingModule, writeBarcode } from 'zxing-wasm/writer';
import { localWasmModuleOptions } from './localWasm.js';

let ready: Promise<void> | null = null;

function loadWriter(): Promise<void> {
  ready ??= (async () => {
    await prepareZXingModule(localWasmModuleOptions('zxing-wasm/writer/zxing_writer.wasm'));
  })();
  return ready;
}

/** One module per pixel, 0 = dark, 255 = light; the symbol only, without its quiet zone. */
export interface QrModules {
  data: Uint8Array;
  size: number;
}

export async function qrModules(text: string, ecLevel: 'L' | 'M' | 'Q' | 'H' = 'M'): Promise<QrModules> {
  await loadWriter();
  const out = await writeBarcode(text, { format: 'QRCode', options: `ecLevel=${ecLevel}`, scale: 1, addQuietZones: true });
  if (out.error) throw new Error(`QR writer: ${out.error}`);
  const { data, width, height } = out.symbol;
  if (width !== height) throw new Error(`QR writer returned ${width}×${height}`);
  return { data: Uint8Array.from(data), size: width };
}

/** A QR code as a PNG a phone or a printer can show: `scale` pixels per module, quiet zone included. */
export async function qrPng(text: string, scale = 8): Promise<Buffer> {
  const { default: sharp } = await import('sharp');
  const { data, size } = await qrModules(text);
  return sharp(Buffer.from(data), { raw: { width: size, height: size, channels: 1 } })
    .resize(size * scale, size * scale, { kernel: 'nearest' })
    .png()
    .toBuffer();
}
