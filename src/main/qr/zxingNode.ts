import { createRequire } from 'node:module';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import type { QrReadFn, QrReadOptions, RgbaImage } from '../../shared/qr/qrTypes.js';
import { zxingFindings, zxingReaderOptions } from '../../shared/qr/zxingAdapter.js';
import { localWasmModuleOptions } from './localWasm.js';

/** The reader's .wasm inside our own node_modules; zxing-wasm would otherwise fetch it from jsDelivr. */
export function zxingReaderWasmPath(): string {
  return createRequire(import.meta.url).resolve('zxing-wasm/reader/zxing_reader.wasm');
}

let ready: Promise<void> | null = null;

/** Instantiates the reader from the local file once per process; later calls share it. */
export function loadZxingReader(): Promise<void> {
  ready ??= (async () => {
    await prepareZXingModule(localWasmModuleOptions('zxing-wasm/reader/zxing_reader.wasm'));
  })();
  return ready;
}

/** zxing-wasm reads only data/width/height; its ImageData type is the DOM class when DOM types are loaded. */
type ZxingInput = Parameters<typeof readBarcodes>[0];

/** The QrReadFn for Node (image files, bench, tests). */
export const readQrNode: QrReadFn = async (image: RgbaImage, opts: QrReadOptions) => {
  await loadZxingReader();
  const results = await readBarcodes(image as unknown as ZxingInput, zxingReaderOptions(opts));
  return zxingFindings(results, opts.locate ?? false);
};

/** zxing-wasm exactly as it ships (every format, its own defaults): the bench's baseline. */
export async function readPlainZxingNode(image: RgbaImage): Promise<string[]> {
  await loadZxingReader();
  const results = await readBarcodes(image as unknown as ZxingInput);
  return results.filter((r) => r.isValid).map((r) => r.text);
}
