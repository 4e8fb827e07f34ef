import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { prepareZXingModule, writeBarcode } from 'zxing-wasm/writer';

let ready: Promise<void> | null = null;

/** The writer's .wasm from node_modules: the package's default would fetch it from jsDelivr. */
function loadWriter(): Promise<void> {
  ready ??= (async () => {
    const path = createRequire(import.meta.url).resolve('zxing-wasm/writer/zxing_writer.wasm');
    const bytes = readFileSync(path);
    const wasmBinary = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    await prepareZXingModule({
      overrides: { wasmBinary, locateFile: (file: string, prefix: string) => (file.endsWith('.wasm') ? path : prefix + file) },
      fireImmediately: true,
    });
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
