/**
 * The camera scan's decoder, off the UI thread: each frame gets one live pass of the kiosk's
 * strategy (src/shared/qr/decodeStrategy.ts). zxing's .wasm comes from our own build output — never
 * the jsDelivr default the package would otherwise fetch.
 */
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';
import { decodeQr } from '../../shared/qr/decodeStrategy';
import type { QrReadFn, RgbaImage } from '../../shared/qr/qrTypes';
import { zxingFindings, zxingReaderOptions } from '../../shared/qr/zxingAdapter';
import type { QrWorkerRequest, QrWorkerResponse } from './qrWorkerProtocol';

/** The renderer compiles against DOM types; these are the worker-scope members used here. */
interface WorkerScope {
  postMessage(message: QrWorkerResponse): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<QrWorkerRequest>) => void): void;
}
const scope = globalThis as unknown as WorkerScope;

const ready = prepareZXingModule({
  overrides: { locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? new URL(wasmUrl, self.location.href).href : prefix + path) },
  fireImmediately: true,
});

type ZxingInput = Parameters<typeof readBarcodes>[0];

const read: QrReadFn = async (image, opts) => {
  await ready;
  return zxingFindings(await readBarcodes(image as unknown as ZxingInput, zxingReaderOptions(opts)), opts.locate ?? false);
};

let canvas: OffscreenCanvas | null = null;
let context: OffscreenCanvasRenderingContext2D | null = null;

function pixelsOf(bitmap: ImageBitmap): RgbaImage {
  if (!canvas || canvas.width !== bitmap.width || canvas.height !== bitmap.height) {
    canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    // Read back every frame: keep the canvas in CPU memory instead of round-tripping the GPU.
    context = canvas.getContext('2d', { willReadFrequently: true });
  }
  if (!context) throw new Error('OffscreenCanvas 2D context unavailable');
  context.drawImage(bitmap, 0, 0);
  return context.getImageData(0, 0, bitmap.width, bitmap.height);
}

ready.then(
  () => scope.postMessage({ type: 'ready' }),
  (err: unknown) => scope.postMessage({ type: 'failed', id: null, message: err instanceof Error ? err.message : String(err) }),
);

scope.addEventListener('message', (event) => {
  const msg = event.data;
  void (async () => {
    const t0 = performance.now();
    try {
      let image: RgbaImage;
      if (msg.type === 'frame') {
        try {
          image = pixelsOf(msg.bitmap);
        } finally {
          msg.bitmap.close();
        }
      } else {
        image = { data: new Uint8ClampedArray(msg.data), width: msg.width, height: msg.height };
      }
      const found = await decodeQr(image, read, { kind: 'live', frameIndex: msg.frameIndex });
      scope.postMessage({ type: 'result', id: msg.id, text: found?.text ?? null, pass: found?.pass ?? null, ms: performance.now() - t0 });
    } catch (err) {
      scope.postMessage({ type: 'failed', id: msg.id, message: err instanceof Error ? err.message : String(err) });
    }
  })();
});
