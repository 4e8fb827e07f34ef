import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
// @ts-expect-error: a plain .mjs build script without types
import { ensureVirtualCamera } from '../../scripts/vcamera/build.mjs';

/** ../shared/testdata next to the checkout (read-only); CC_TESTDATA overrides for other layouts. */
const PORTRAITS = join(process.env['CC_TESTDATA'] ?? fileURLToPath(new URL('../../../shared/testdata', import.meta.url)), 'faces', 'portraits');
const FIXTURES = join(tmpdir(), 'cc-vcamera-fixtures-v1');

export type Portrait = 'a' | 'b' | 'c';

/** A DSLR-sized still of a test portrait (upscaled to ~22 MP, as a 24 MP body in portrait orientation gives) and live-view frames of it. */
async function fixtures(): Promise<{ still: Record<Portrait, string>; frames: string }> {
  const still = { a: join(FIXTURES, 'still-a.jpg'), b: join(FIXTURES, 'still-b.jpg'), c: join(FIXTURES, 'still-c.jpg') };
  const frames = join(FIXTURES, 'lv');
  if (!existsSync(join(FIXTURES, 'done'))) {
    mkdirSync(frames, { recursive: true });
    for (const p of ['a', 'b', 'c'] as const) {
      await sharp(join(PORTRAITS, `portrait-${p}.jpg`)).resize(4000, 6000, { fit: 'inside' }).jpeg({ quality: 92 }).toFile(still[p]);
    }
    // Live view: 640×424 like a Nikon's, the student in the middle, swaying a little from frame to frame.
    const src = await sharp(join(PORTRAITS, 'portrait-a.jpg')).resize(null, 424).toBuffer();
    const meta = await sharp(src).metadata();
    for (let i = 0; i < 8; i++) {
      const dx = Math.round(Math.sin(i / 8 * Math.PI * 2) * 6);
      await sharp({ create: { width: 640, height: 424, channels: 3, background: '#f4f4f2' } })
        .composite([{ input: src, left: Math.round((640 - meta.width!) / 2) + dx, top: 0 }])
        .jpeg({ quality: 75 })
        .toFile(join(frames, `f${String(i).padStart(3, '0')}.jpg`));
    }
    writeFileSync(join(FIXTURES, 'done'), '');
  }
  return { still, frames };
}

export interface VirtualCameraRig {
  /** The environment for gphoto2 children: the process's own plus IOLIBS/CAMLIBS and this camera's VCAMERA_*. Mutable: a change applies to the next gphoto2 started. */
  env: NodeJS.ProcessEnv;
  dir: string;
  card: string;
  /** What the next shot shows. */
  setSubject(p: Portrait): void;
  still(p: Portrait): Buffer;
  /** The shutter button on the camera body. */
  press(): void;
  unplug(): void;
  replug(): void;
  unplugged(): boolean;
  state(): { captures: number; controlmode: number };
  cardFiles(): string[];
  /** Another program (gvfs-gphoto2) takes the camera; the returned function lets it go. */
  holdCamera(): Promise<() => Promise<void>>;
  cleanup(): void;
}

/**
 * libgphoto2's virtual camera (scripts/vcamera), set up for one test: its own card, state file,
 * lock and flags, so tests never share a camera. `extra` sets VCAMERA_* faults from the start.
 */
export async function virtualCameraRig(extra: Record<string, string> = {}): Promise<VirtualCameraRig> {
  const vc = (await ensureVirtualCamera({ quiet: true })) as { env: Record<string, string> };
  const fx = await fixtures();
  const dir = mkdtempSync(join(tmpdir(), 'cc-vcam-'));
  const card = join(dir, 'card');
  mkdirSync(join(card, 'DCIM', '100NCD750'), { recursive: true });
  mkdirSync(join(dir, 'home'), { recursive: true });
  // One picture on the card from before the session: it must be left alone.
  writeFileSync(join(card, 'DCIM', '100NCD750', 'DSC_0000.JPG'), readFileSync(fx.still.c));
  writeFileSync(join(dir, 'subject.jpg'), readFileSync(fx.still.a));
  // The in-process backend sets VCAMERA_* in this process's environment for its camera: a new rig
  // starts from none of them.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VCAMERA')));
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    ...vc.env,
    // gphoto2 keeps settings in ~/.gphoto: each test its own.
    HOME: join(dir, 'home'),
    VCAMERADIR: card,
    VCAMERA_STATE: join(dir, 'state'),
    VCAMERA_LOCK: join(dir, 'lock'),
    VCAMERA_UNPLUGGED: join(dir, 'unplugged'),
    VCAMERA_BUTTON: join(dir, 'button'),
    VCAMERA_CAPTURE_SOURCE: join(dir, 'subject.jpg'),
    VCAMERA_LV_DIR: fx.frames,
    VCAMERA_LV_FPS: '30',
    // The virtual camera is on no USB bus: its plugging is noticed by searching, not by USB events.
    CC_USB_MODULE: 'none',
    ...extra,
  };
  const holders: ChildProcess[] = [];
  return {
    env,
    dir,
    card,
    setSubject: (p) => writeFileSync(join(dir, 'subject.jpg'), readFileSync(fx.still[p])),
    still: (p) => readFileSync(fx.still[p]),
    press: () => writeFileSync(join(dir, 'button'), ''),
    unplug: () => writeFileSync(join(dir, 'unplugged'), ''),
    replug: () => rmSync(join(dir, 'unplugged'), { force: true }),
    unplugged: () => existsSync(join(dir, 'unplugged')),
    state: () => {
      const text = existsSync(join(dir, 'state')) ? readFileSync(join(dir, 'state'), 'utf8') : '';
      return { captures: Number(/captures=(\d+)/.exec(text)?.[1] ?? 0), controlmode: Number(/controlmode=(\d+)/.exec(text)?.[1] ?? 0) };
    },
    cardFiles: () => readdirSync(join(card, 'DCIM', '100NCD750')).sort(),
    async holdCamera() {
      // flock(1) takes the same lock the virtual camera's port library takes when gphoto2 opens it.
      const holder = spawn('flock', ['--no-fork', '-x', join(dir, 'lock'), 'sleep', '600'], { stdio: 'ignore' });
      holders.push(holder);
      await new Promise((r) => setTimeout(r, 200));
      return async () => {
        holder.kill('SIGKILL');
        await new Promise((r) => holder.once('close', r));
      };
    },
    cleanup() {
      for (const h of holders) h.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls until `predicate` holds (tests assert outcomes, never timings). */
export async function until(predicate: () => boolean, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
