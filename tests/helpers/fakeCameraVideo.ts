import { writeFileSync } from 'node:fs';
import { MessageChannel, receiveMessageOnPort, Worker, isMainThread, workerData, type MessagePort } from 'node:worker_threads';
import sharp from 'sharp';
import { renderPhoneShot, type PhoneShot } from '../../bench/qr/phoneScreenSet.js';
import { seededRandom } from '../../src/shared/demo/seededRandom.js';

/**
 * Chromium's fake camera (`--use-file-for-fake-video-capture=FILE.y4m`) and the phone-screen
 * frames to feed it. QR writing (zxing's WASM writer) and image work (sharp) are asynchronous; these
 * helpers are synchronous for the tests' convenience, so the work runs in a worker thread while
 * this thread waits on an Atomics flag.
 */

export interface RgbFrame {
  /** Packed RGB, width × height × 3 bytes. */
  rgb: Buffer;
  width: number;
  height: number;
}

export interface PhoneFrameOptions {
  width?: number;
  height?: number;
  seed?: number;
  /** Camera pixels per QR module; default scales with the frame (4 px on 1280×720). */
  modulePx?: number;
  /** Degrees; default a seeded 4–10° either way, as a hand holds a phone. */
  angle?: number;
  /** Gaussian sigma in pixels (mild defocus); default 0.6. */
  blurSigma?: number;
}

type Job =
  | { kind: 'phone'; text: string; opts: PhoneFrameOptions }
  | { kind: 'image'; path: string; width: number; height: number };

function phoneShot(text: string, o: PhoneFrameOptions): PhoneShot {
  const width = o.width ?? 1280;
  const height = o.height ?? 720;
  const seed = o.seed ?? 1;
  const rand = seededRandom(seed * 7919 + 17);
  const angle = o.angle ?? (4 + 6 * rand()) * (rand() < 0.5 ? -1 : 1);
  return {
    text,
    ecLevel: 'M',
    frameWidth: width,
    frameHeight: height,
    modulePx: o.modulePx ?? Math.max(3, Math.round(Math.min(width, height) / 180)),
    angle,
    blurSigma: o.blurSigma ?? 0.6,
    jpegQuality: 0,
    screenDark: 35,
    screenLight: 215,
    noiseSigma: 3,
    centreX: 0.45 + 0.1 * rand(),
    centreY: 0.45 + 0.1 * rand(),
    seed,
  };
}

async function runJob(job: Job): Promise<RgbFrame> {
  if (job.kind === 'phone') return renderPhoneShot(phoneShot(job.text, job.opts));
  const { data, info } = await sharp(job.path)
    .rotate()
    .resize(job.width, job.height, { fit: 'contain', background: { r: 0, g: 0, b: 0 } })
    .flatten({ background: '#000000' })
    .toColourspace('srgb')
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { rgb: data, width: info.width, height: info.height };
}

interface WorkerInput {
  fakeCameraJob: Job;
  port: MessagePort;
  signal: Int32Array;
}

if (!isMainThread && (workerData as Partial<WorkerInput> | null)?.fakeCameraJob) {
  const { fakeCameraJob, port, signal } = workerData as WorkerInput;
  runJob(fakeCameraJob)
    .then(
      (frame) => port.postMessage({ ok: true, frame }),
      (err: unknown) => port.postMessage({ ok: false, message: err instanceof Error ? err.stack ?? err.message : String(err) }),
    )
    .finally(() => {
      Atomics.store(signal, 0, 1);
      Atomics.notify(signal, 0);
    });
}

function runSync(job: Job): RgbFrame {
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  // Node 20 does not carry `--import tsx` into workers, so the worker boots through tsx's API and
  // then loads this very file, whose top level (above) runs the job.
  const boot = `const { workerData } = require('node:worker_threads');
import(workerData.tsxApi).then(({ tsImport }) => tsImport(workerData.self, workerData.self)).catch((err) => {
  workerData.port.postMessage({ ok: false, message: String(err && err.stack || err) });
  Atomics.store(workerData.signal, 0, 1);
  Atomics.notify(workerData.signal, 0);
});`;
  const worker = new Worker(boot, {
    eval: true,
    workerData: { fakeCameraJob: job, port: port2, signal, tsxApi: import.meta.resolve('tsx/esm/api'), self: import.meta.url },
    transferList: [port2],
  });
  try {
    if (Atomics.wait(signal, 0, 0, 120_000) === 'timed-out') throw new Error('fake camera frame: worker timed out');
    const reply = receiveMessageOnPort(port1)?.message as { ok: true; frame: RgbFrame } | { ok: false; message: string } | undefined;
    if (!reply) throw new Error('fake camera frame: worker sent nothing');
    if (!reply.ok) throw new Error(`fake camera frame: ${reply.message}`);
    const { rgb, width, height } = reply.frame;
    // Structured clone turns the Buffer into a plain Uint8Array.
    return { rgb: Buffer.from(rgb.buffer, rgb.byteOffset, rgb.byteLength), width, height };
  } finally {
    port1.close();
    void worker.terminate();
  }
}

/** A phone showing `text` as a QR code, held in front of the station camera (mild rotation and
 * blur, sensor noise, washed-out screen blacks). Deterministic for a given seed. */
export function qrPhoneFrame(text: string, opts: PhoneFrameOptions = {}): RgbFrame {
  return runSync({ kind: 'phone', text, opts });
}

/** Full-range RGB → BT.601 limited-range I420 (what Chromium assumes for a .y4m file). */
function toI420(frame: RgbFrame, width: number, height: number): Buffer {
  if (frame.width !== width || frame.height !== height) throw new Error(`frame is ${frame.width}×${frame.height}, the video ${width}×${height}`);
  const cw = width >> 1;
  const ch = height >> 1;
  const out = Buffer.alloc(width * height + 2 * cw * ch);
  const { rgb } = frame;
  for (let i = 0; i < width * height; i++) {
    out[i] = Math.round(16 + (65.481 * rgb[i * 3]! + 128.553 * rgb[i * 3 + 1]! + 24.966 * rgb[i * 3 + 2]!) / 255);
  }
  const uBase = width * height;
  const vBase = uBase + cw * ch;
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) {
        const p = ((2 * y + dy) * width + 2 * x + dx) * 3;
        r += rgb[p]!;
        g += rgb[p + 1]!;
        b += rgb[p + 2]!;
      }
      r /= 4;
      g /= 4;
      b /= 4;
      out[uBase + y * cw + x] = Math.round(128 + (-37.797 * r - 74.203 * g + 112 * b) / 255);
      out[vBase + y * cw + x] = Math.round(128 + (112 * r - 93.786 * g - 18.214 * b) / 255);
    }
  }
  return out;
}

export interface Y4mOptions {
  width: number;
  height: number;
  fps: number;
  seconds: number;
}

/**
 * Writes a YUV4MPEG2 (4:2:0) video of fps × seconds frames, cycling through `frames` — or showing
 * one image file, fitted inside width × height on black. Chromium loops the file.
 */
export function writeY4m(path: string, frames: RgbFrame[] | string, opts: Y4mOptions): void {
  const { width, height, fps, seconds } = opts;
  if (width % 2 || height % 2) throw new Error('4:2:0 needs an even width and height');
  const source = typeof frames === 'string' ? [runSync({ kind: 'image', path: frames, width, height })] : frames;
  if (source.length === 0) throw new Error('writeY4m: no frames');
  const planes = source.map((f) => toI420(f, width, height));
  const count = Math.max(1, Math.round(fps * seconds));
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`, 'latin1');
  const frameTag = Buffer.from('FRAME\n', 'latin1');
  const parts: Buffer[] = [header];
  for (let i = 0; i < count; i++) parts.push(frameTag, planes[i % planes.length]!);
  writeFileSync(path, Buffer.concat(parts));
}
