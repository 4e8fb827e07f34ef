import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../../../shared/errors.js';
import { createLogger } from '../../log/logger.js';
import type { CameraBackend, CameraSink, IncomingShot } from '../cameraBackend.js';
import { cameraError, MIN_FRAME_WIDTH, TetheredDslrBase, type CaptureJob } from './TetheredDslrBase.js';
import { dslrFault, type DslrFault } from './dslrFaults.js';
import { classifyFailure, parseAutoDetect, parseListFiles, parseSavedFiles, parseStorageInfo, parseSummary, type DetectedCamera } from './gphoto2Output.js';
import { Gphoto2Child, runGphoto2, type ExitInfo } from './gphoto2Process.js';
import { JpegFrameSplitter } from './jpegFrameSplitter.js';

const log = createLogger('gphoto2');

export interface Gphoto2Settings {
  /** Which camera: its model as `--auto-detect` names it (the port changes when it is plugged in again). */
  model: string | null;
  /** A fixed port (usb:001,005), when two identical bodies are connected; null: the first with the model. */
  port: string | null;
  /** card: shots are written to the camera's card and also downloaded; pc: only downloaded (nothing left on the card). */
  captureTarget: 'card' | 'pc';
  /** Live view (and the idle listener) is restarted this often, before the body's own ~30-minute timer ends it; 0: never. */
  keepAliveMinutes: number;
}

export const DEFAULT_GPHOTO2_SETTINGS: Gphoto2Settings = { model: null, port: null, captureTarget: 'card', keepAliveMinutes: 25 };

export type LiveViewState = 'off' | 'starting' | 'on' | 'unsupported' | 'refused';

export interface Gphoto2Status {
  phase: 'searching' | 'absent' | 'idle' | 'liveview' | 'capturing';
  model: string | null;
  port: string | null;
  liveView: LiveViewState;
  /** The latest thing the photographer should know (cleared when it no longer holds). */
  fault: DslrFault | null;
  freeImages: number | null;
  /** How a camera being plugged in is noticed: USB events (libusb), or searching every few seconds (and why). */
  hotplug?: { source: 'usb' | 'polling'; zh: string; en: string };
}

export interface LiveFrame {
  seq: number;
  jpeg: Buffer;
  width: number;
  height: number;
}

export interface Gphoto2Sink extends CameraSink {
  frame?(frame: LiveFrame): void;
  status?(status: Gphoto2Status): void;
  /** A camera session was opened (connect, reconnect, a new session): the station's preset goes on now. */
  opened?(): void | Promise<void>;
}

export interface Gphoto2Timing {
  /** Between searches for a camera that is not there. */
  probeEveryMs: number;
  /** SIGINT → SIGKILL. gphoto2 waits on the camera up to a second per step. */
  stopGraceMs: number;
  /** From the shutter to the file: a shot that takes longer is given up (and looked for on the card). */
  captureTimeoutMs: number;
  /** Live view must deliver its first frame within this, and then never go quiet this long. */
  firstFrameMs: number;
  frameStallMs: number;
  /** DeviceBusy / claimed: retried this many times, waiting base × 2^n (capped at 2 s). */
  busyRetries: number;
  busyBaseMs: number;
  /** After a body refused live view, try again after this long. */
  liveViewRetryMs: number;
  /** Bytes of live-view output without a single frame: garbage, restart. */
  garbageBytes: number;
  /** Listening for the body's button restarts this often (a fresh PTP session also keeps the body awake). */
  listenWindowMs: number;
  /** Overrides keepAliveMinutes (tests cannot wait minutes). */
  keepAliveMs?: number;
}

export const DEFAULT_TIMING: Gphoto2Timing = {
  probeEveryMs: 2000,
  stopGraceMs: 4000,
  captureTimeoutMs: 30_000,
  firstFrameMs: 10_000,
  frameStallMs: 5000,
  busyRetries: 8,
  busyBaseMs: 250,
  liveViewRetryMs: 10_000,
  garbageBytes: 4 * 1024 * 1024,
  listenWindowMs: 10 * 60_000,
};

export interface Gphoto2Options {
  /** The gphoto2 command (CC_GPHOTO2 overrides the default in the station). */
  command?: string;
  /** The children's environment (IOLIBS/CAMLIBS for the virtual camera in tests). */
  env?: NodeJS.ProcessEnv;
  /** Where gphoto2 writes downloaded files before they are filed: kept across restarts. */
  spoolDir: string;
  settings: Gphoto2Settings;
  timing?: Partial<Gphoto2Timing>;
}

const FILE_SETTLE_MS = 10_000;

/**
 * A tethered camera driven through Debian's `gphoto2` command (DESIGN §5). One loop owns the
 * camera and runs at most one gphoto2 process at a time, so live view, shots and listening for the
 * body's own button alternate and never fight over the USB interface:
 *
 *   not connected → search (--auto-detect every probeEveryMs), then --summary, --storage-info and a
 *                   listing of the card (what is already there is left alone)
 *   a shot asked  → stop what runs (SIGINT), --capture-image-and-download, DeviceBusy retried
 *   card to check → --list-files, then --get-file for what nobody has downloaded (after live view, in
 *                   which the body's button is not watched, and after a fault that may have left a shot)
 *   live view on  → --capture-movie --stdout, split into frames (JpegFrameSplitter); restarted when it
 *                   ends, stalls or sends garbage, and every keepAliveMinutes before the body's timer
 *   otherwise     → --wait-event-and-download: the body's own shutter button
 *
 * Faults are read from gphoto2's own messages (gphoto2Output.ts) and told through the sink's status.
 */
export class Gphoto2Backend extends TetheredDslrBase implements CameraBackend {
  readonly kind = 'gphoto2' as const;
  private readonly command: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly timing: Gphoto2Timing;
  private running = false;
  private loopDone: Promise<void> = Promise.resolve();
  private child: Gphoto2Child | null = null;
  private wakeUp: (() => void) | null = null;

  private connected: { model: string; port: string; manufacturer: string | null } | null = null;
  private readonly captures: CaptureJob[] = [];
  private liveViewWanted = false;
  private liveViewBlockedUntil = 0;
  private liveViewUnsupported = false;
  private needsSweep = false;
  /** Card files this station has seen or taken (folder/name): a listing's other files are new shots. */
  private known: Set<string> | null = null;
  /** Since when shots may have been taken without being downloaded (live view, a fault). */
  private unwatchedSince: number | null = null;
  /** A shot was asked for, and the camera went away before it arrived: it is looked for on the card. */
  private pendingShotAt: number | null = null;
  private bodyMayBeHeld = false;
  private releaseArgs: string[] | null = null;
  private frameSeq = 0;
  /** PIDs of our own gphoto2 children, written down so a crashed station can end them on the next start. */
  private readonly pidFile: string;

  constructor(private readonly opts: Gphoto2Options) {
    super(opts.spoolDir);
    this.command = opts.command ?? process.env.CC_GPHOTO2 ?? 'gphoto2';
    this.env = opts.env ?? process.env;
    this.timing = { ...DEFAULT_TIMING, ...opts.timing };
    this.pidFile = join(opts.spoolDir, '.children.json');
  }

  get settings(): Gphoto2Settings {
    return this.opts.settings;
  }

  // ---- CameraBackend ----

  async start(sink: CameraSink): Promise<void> {
    this.sink = sink;
    mkdirSync(this.opts.spoolDir, { recursive: true, mode: 0o700 });
    this.endLeftoverChildren();
    await this.fileLeftoverSpool();
    this.running = true;
    this.loopDone = this.loop();
  }

  stop(): void {
    void this.close();
  }

  /** Stops the loop and the running gphoto2 (SIGINT first, so the body is handed back). */
  async close(): Promise<void> {
    this.running = false;
    for (const job of this.captures.splice(0)) job.reject(new AppError('CONFLICT', { zh: '相机已停止', en: 'The camera was stopped' }));
    this.wake();
    await this.child?.stop(this.timing.stopGraceMs);
    await this.loopDone;
  }

  /** A shot from the station's shutter. Resolves with the downloaded full-resolution file. */
  trigger(): Promise<IncomingShot> {
    if (!this.running) return Promise.reject(new AppError('CONFLICT', { zh: '相机未启动', en: 'The camera is not running' }));
    if (!this.connected) return Promise.reject(cameraError(this.statusValue.fault ?? dslrFault('absent', new Date())));
    return new Promise<IncomingShot>((resolve, reject) => {
      this.captures.push({ requestedAt: Date.now(), resolve, reject });
      this.interrupt();
    });
  }

  /** The capture screen wants live view (true) or is gone (false). */
  setLiveView(on: boolean): void {
    if (this.liveViewWanted === on) return;
    this.liveViewWanted = on;
    if (on) this.liveViewBlockedUntil = 0;
    this.interrupt();
  }

  /** Cameras gphoto2 sees now (does not open them, so it can run beside the loop's process). */
  async detect(): Promise<DetectedCamera[]> {
    const r = await runGphoto2(this.command, ['--auto-detect'], this.env, 15_000);
    if (r.spawnError) throw cameraError(dslrFault('not-gphoto2', new Date()));
    return parseAutoDetect(r.stdout);
  }

  // ---- the loop ----

  private async loop(): Promise<void> {
    while (this.running) {
      try {
        if (!this.connected) {
          await this.connect();
          continue;
        }
        const job = this.captures.shift();
        if (job) {
          await this.capture(job);
          continue;
        }
        if (this.needsSweep) {
          await this.sweep();
          continue;
        }
        if (this.liveViewWanted && !this.liveViewUnsupported && Date.now() >= this.liveViewBlockedUntil) {
          await this.liveView();
          continue;
        }
        await this.listen();
      } catch (err) {
        log.error('camera loop step failed', { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
        await this.pause(1000);
      }
    }
    this.setStatus({ phase: 'absent', liveView: 'off' });
  }

  /** Waits, but a new shot, a live-view change or stop() ends the wait at once. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeUp = null;
        resolve();
      }, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        this.wakeUp = null;
        resolve();
      };
    });
  }

  private wake(): void {
    this.wakeUp?.();
  }

  /** Ends a long-running child (live view, listening) so the loop can do what is asked now. */
  private interrupt(): void {
    this.wake();
    const c = this.child;
    if (c && c.running && this.interruptible) void c.stop(this.timing.stopGraceMs);
  }

  private interruptible = false;

  private spawn(args: string[], handlers: ConstructorParameters<typeof Gphoto2Child>[3] = {}, keepStdoutText = true): Gphoto2Child {
    if (this.child?.running) throw new Error('a gphoto2 process already holds the camera');
    const portArgs = this.connected ? ['--camera', this.connected.model, '--port', this.connected.port] : [];
    const child = new Gphoto2Child(this.command, [...portArgs, ...args], this.env, handlers, keepStdoutText);
    this.child = child;
    this.rememberChild(child.pid);
    void child.exited.then((info) => {
      this.forgetChild(child.pid);
      // Killed (by us or anyone) or crashed: it did not hand the body back.
      if (info.killed || (info.signal !== null && info.signal !== 'SIGINT')) this.bodyMayBeHeld = true;
    });
    return child;
  }

  private async run(args: string[], timeoutMs = 30_000): Promise<ExitInfo & { timedOut: boolean }> {
    const child = this.spawn(args);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      void child.stop(this.timing.stopGraceMs);
    }, timeoutMs);
    const info = await child.exited;
    clearTimeout(timer);
    this.child = null;
    return { ...info, timedOut };
  }

  // ---- connecting ----

  private async connect(): Promise<void> {
    const r = await runGphoto2(this.command, ['--auto-detect'], this.env, 15_000);
    if (r.spawnError) {
      this.tell('not-gphoto2');
      this.sink?.present(false);
      await this.pause(this.timing.probeEveryMs * 5);
      return;
    }
    const cameras = parseAutoDetect(r.stdout);
    const { model, port } = this.opts.settings;
    const chosen = cameras.find((c) => c.port === port && (!model || c.model === model)) ?? cameras.find((c) => !model || c.model === model);
    if (!chosen) {
      this.setStatus({ phase: 'absent', model: null, port: null, liveView: 'off' });
      // A camera that dropped off keeps that message (it says more) until it is back.
      if (this.statusValue.fault?.code !== 'disconnected') this.tell('absent');
      this.sink?.present(false);
      await this.pause(this.timing.probeEveryMs);
      return;
    }
    this.connected = { model: chosen.model, port: chosen.port, manufacturer: null };
    const summary = await this.run(['--summary'], 20_000);
    const failure = this.failureOf(summary);
    if (failure) {
      // Busy or held by another program right now: try again shortly.
      this.connected = null;
      if (failure === 'claimed') this.tell('claimed');
      else if (failure === 'busy') this.tell('busy');
      await this.pause(this.timing.probeEveryMs);
      return;
    }
    const s = parseSummary(summary.stdout);
    this.connected.manufacturer = s.manufacturer;
    this.releaseArgs = this.releaseArgsFor(s.manufacturer ?? chosen.model);
    log.info('camera connected', { model: chosen.model, port: chosen.port });
    const target = await this.run(['--set-config', `capturetarget=${this.opts.settings.captureTarget === 'card' ? 1 : 0}`], 20_000);
    if (target.code !== 0) log.warn('capture target not set', { output: (target.stderr || target.stdout).slice(0, 300) });
    await this.checkStorage();
    if (this.known === null) {
      // The first listing: what is on the card already belongs to before this station started.
      const list = await this.run(['--list-files'], 60_000);
      if (!this.failureOf(list)) this.known = new Set(parseListFiles(list.stdout).map((f) => `${f.folder}/${f.name}`));
    } else {
      this.needsSweep = true; // back after a fault: shots may be waiting on the card
    }
    this.clearFault('absent', 'disconnected', 'claimed', 'busy', 'not-gphoto2');
    this.setStatus({ phase: 'idle', model: chosen.model, port: chosen.port });
    this.sink?.present(true);
  }

  /** How to hand the body back when a process was killed: Nikon control mode, Canon UI lock. */
  private releaseArgsFor(maker: string): string[] {
    if (/nikon/i.test(maker)) return ['--set-config', 'controlmode=0'];
    if (/canon/i.test(maker)) return ['--set-config', 'uilock=0'];
    return [];
  }

  private async checkStorage(): Promise<void> {
    const r = await this.run(['--storage-info'], 20_000);
    if (r.code !== 0) return;
    const { freeImages } = parseStorageInfo(r.stdout);
    this.setStatus({ freeImages });
    if (this.opts.settings.captureTarget === 'card' && freeImages !== null) {
      if (freeImages === 0) this.tell('store-full');
      else if (freeImages < 20) this.tell('store-low', { n: freeImages });
      else this.clearFault('store-full', 'store-low');
    }
  }

  /** A failed run's fault, and what it means for the connection. null: it did not fail. */
  private failureOf(r: ExitInfo & { timedOut?: boolean }): ReturnType<typeof classifyFailure>['code'] | null {
    if (r.spawnError) {
      this.tell('not-gphoto2');
      this.lostCamera();
      return 'disconnected';
    }
    if (r.code === 0 && !/\*\*\* Error/.test(r.stderr + r.stdout)) return null;
    const c = classifyFailure(`${r.stderr}\n${r.stdout}`);
    if (c.code === 'disconnected') {
      this.tell('disconnected');
      this.lostCamera();
    }
    return c.code;
  }

  private lostCamera(): void {
    if (this.connected) log.warn('camera lost', { model: this.connected.model, port: this.connected.port });
    this.connected = null;
    this.unwatchedSince ??= Date.now();
    this.setStatus({ phase: 'absent', liveView: 'off' });
    this.sink?.present(false);
  }

  // ---- shooting ----

  private async capture(job: CaptureJob): Promise<void> {
    this.setStatus({ phase: 'capturing' });
    const stamp = `${job.requestedAt}`;
    const pattern = join(this.opts.spoolDir, `shot-${stamp}-%f.%C`);
    const keep = this.opts.settings.captureTarget === 'card' ? ['--keep'] : [];
    try {
      for (let attempt = 0; ; attempt++) {
        const got: { path: string | null; bytes: Promise<Buffer | null> | null; delivered: boolean } = { path: null, bytes: null, delivered: false };
        const child: Gphoto2Child = this.spawn(['--capture-image-and-download', '--filename', pattern, ...keep], {
          line: (l) => {
            const [path] = parseSavedFiles(l);
            if (path && !got.path) {
              got.path = path;
              // The file is written right after this line. Once it is whole the shot is handed over
              // at once, and the camera is released (SIGINT) instead of waiting out gphoto2's
              // after-capture event wait; the loop still waits for the process to end before the
              // camera is used again.
              got.bytes = this.whenComplete(path).then((bytes) => {
                if (bytes) {
                  got.delivered = true;
                  this.shotTaken(job, path, bytes);
                  void child.stop(this.timing.stopGraceMs);
                }
                return bytes;
              });
            }
          },
        });
        const timer = setTimeout(() => {
          log.warn('shot timed out', { ms: this.timing.captureTimeoutMs });
          void child.stop(this.timing.stopGraceMs);
        }, this.timing.captureTimeoutMs);
        const info = await child.exited;
        clearTimeout(timer);
        this.child = null;
        const bytes = got.bytes ? await got.bytes : null;
        if (got.path && bytes && got.delivered) return;
        const failure = this.failureOf(info);
        if ((failure === 'busy' || failure === 'claimed') && attempt < this.timing.busyRetries) {
          this.tell(failure);
          await sleep(Math.min(2000, this.timing.busyBaseMs * 2 ** attempt));
          continue;
        }
        if (failure === 'disconnected') {
          // The shot may be on the card already: it is fetched when the camera is back.
          this.pendingShotAt = job.requestedAt;
          throw cameraError(this.statusValue.fault ?? dslrFault('disconnected', new Date()));
        }
        if (failure === 'store-full') throw cameraError(this.tell('store-full'));
        // A shot that never came (timed out, or an error gphoto2 does not name): the card is checked
        // for it, and whether it is full (some bodies refuse a shot on a full card without saying so).
        this.needsSweep = true;
        this.pendingShotAt = job.requestedAt;
        await this.checkStorage();
        if (this.statusValue.fault?.code === 'store-full') throw cameraError(this.statusValue.fault);
        const detail = classifyFailure(`${info.stderr}\n${info.stdout}`).detail;
        throw cameraError(info.killed || failure === null || failure === 'timeout' ? this.tell('capture-timeout') : this.tell('capture-failed', { detail: detail ?? failure }));
      }
    } catch (err) {
      job.reject(err);
    } finally {
      if (this.connected) this.setStatus({ phase: 'idle' });
    }
  }

  private storageDue = false;

  private shotTaken(job: CaptureJob, path: string, bytes: Buffer): void {
    this.rememberDownloaded(path);
    this.clearFault('busy', 'claimed', 'capture-timeout', 'capture-failed', 'store-full', 'recovered-shot');
    job.resolve({ bytes, source: basename(path).replace(/^shot-\d+-/, ''), takenAtMs: job.requestedAt, spoolPath: path });
    // The card's free space, checked when the camera is next free (not now: live view waits).
    if (this.opts.settings.captureTarget === 'card') this.storageDue = true;
  }

  /** Waits until a file gphoto2 is writing is whole: size steady and (JPEG) its end marker written. */
  private async whenComplete(path: string): Promise<Buffer | null> {
    const end = Date.now() + FILE_SETTLE_MS;
    let lastSize = -1;
    while (Date.now() < end) {
      const info = await stat(path).catch(() => null);
      if (info && info.size > 0 && info.size === lastSize) {
        const bytes = await readFile(path).catch(() => null);
        if (bytes && bytes.length === info.size && (!/\.jpe?g$/i.test(path) || jpegEnds(bytes))) return bytes;
      }
      lastSize = info?.size ?? -1;
      await sleep(30);
    }
    return null;
  }

  private rememberDownloaded(spoolPath: string): void {
    // gphoto2 names the spool file after the card file (%f.%C): DSC_0001.JPG → the card's DSC_0001.JPG.
    const name = basename(spoolPath).replace(/^(shot|body|card)-\d+-/, '');
    if (!this.known) return;
    for (const k of [...this.known]) if (k.endsWith(`/${name}`)) return;
    this.known.add(`*/${name}`);
  }

  private isKnown(folder: string, name: string): boolean {
    return !!this.known && (this.known.has(`${folder}/${name}`) || this.known.has(`*/${name}`));
  }

  // ---- the card ----

  /** Fetches shots that are on the card but were never downloaded (taken while nothing listened). */
  private async sweep(): Promise<void> {
    this.needsSweep = false;
    const since = this.pendingShotAt ?? this.unwatchedSince ?? Date.now();
    const list = await this.run(['--list-files'], 60_000);
    if (this.failureOf(list)) {
      if (this.connected) this.needsSweep = true;
      return;
    }
    const files = parseListFiles(list.stdout);
    if (this.known === null) {
      this.known = new Set(files.map((f) => `${f.folder}/${f.name}`));
      return;
    }
    const fresh = files.filter((f) => !this.isKnown(f.folder, f.name));
    if (fresh.length === 0) {
      this.unwatchedSince = null;
      if (this.storageDue) {
        this.storageDue = false;
        await this.checkStorage();
      }
      return;
    }
    const byFolder = new Map<string, number[]>();
    for (const f of fresh) byFolder.set(f.folder, [...(byFolder.get(f.folder) ?? []), f.index]);
    for (const [folder, indices] of byFolder) {
      const pattern = join(this.opts.spoolDir, `card-${Date.now()}-%f.%C`);
      const keep = this.opts.settings.captureTarget === 'card' ? [] : ['--delete-file', indices.join(',')];
      const got = await this.run(['--folder', folder, '--get-file', indices.join(','), '--filename', pattern, ...keep], 120_000);
      if (this.failureOf(got) === 'disconnected') return;
      for (const path of parseSavedFiles(got.stdout)) {
        const bytes = await this.whenComplete(path);
        if (!bytes) continue;
        const name = basename(path).replace(/^card-\d+-/, '');
        this.known.add(`${folder}/${name}`);
        log.info('shot fetched from the card', { file: name });
        // Said before the shot is handed over: whoever receives it already sees why it came late.
        if (this.pendingShotAt !== null) this.tell('recovered-shot');
        await this.deliver({ bytes, source: name, takenAtMs: since, spoolPath: path });
      }
    }
    this.pendingShotAt = null;
    this.unwatchedSince = null;
  }

  // ---- live view ----

  private async liveView(): Promise<void> {
    this.setStatus({ phase: 'liveview', liveView: 'starting' });
    this.unwatchedSince ??= Date.now();
    const splitter = new JpegFrameSplitter();
    let lastFrameAt = 0;
    let firstFrameAt = 0;
    let frames = 0;
    let stalled: 'stall' | 'garbage' | 'keepalive' | 'ended' | null = null;
    const startedAt = Date.now();
    const child = this.spawn(
      ['--capture-movie', '--stdout'],
      {
        stdout: (chunk) => {
          for (const f of splitter.push(chunk)) {
            if (f.width < MIN_FRAME_WIDTH) continue;
            frames++;
            lastFrameAt = Date.now();
            firstFrameAt ||= lastFrameAt;
            if (frames === 1) {
              this.setStatus({ liveView: 'on' });
              this.clearFault('liveview-refused', 'liveview-stalled', 'liveview-garbage', 'liveview-ended', 'busy', 'claimed');
            }
            this.sink?.frame?.({ seq: ++this.frameSeq, jpeg: f.jpeg, width: f.width, height: f.height });
          }
          if (frames === 0 && splitter.stats.droppedBytes > this.timing.garbageBytes && !stalled) {
            stalled = 'garbage';
            void child.stop(1000);
          }
        },
        stderr: (text) => {
          // The body ended live view and refuses to start it again in this session (gphoto2 keeps
          // retrying, two seconds a time): a new session is what brings it back.
          if (!stalled && /enable liveview failed/i.test(text)) {
            stalled = 'ended';
            void child.stop(1000);
          }
        },
      },
      false,
    );
    this.interruptible = true;
    const keepAliveMs = this.timing.keepAliveMs ?? (this.opts.settings.keepAliveMinutes > 0 ? this.opts.settings.keepAliveMinutes * 60_000 : Infinity);
    const watchdog = setInterval(() => {
      if (stalled || !child.running) return;
      const now = Date.now();
      const quietFor = now - (lastFrameAt || startedAt);
      if (quietFor > (lastFrameAt ? this.timing.frameStallMs : this.timing.firstFrameMs)) {
        stalled = 'stall';
        // A live view that has gone quiet may be hung inside a USB read: no grace.
        void child.stop(Math.min(1000, this.timing.stopGraceMs));
      } else if (firstFrameAt && now - firstFrameAt > keepAliveMs) {
        stalled = 'keepalive';
        void child.stop(this.timing.stopGraceMs);
      }
    }, 250);
    // A shot asked for, or live view no longer wanted, while this was starting.
    if (this.captures.length > 0 || !this.liveViewWanted || !this.running) void child.stop(this.timing.stopGraceMs);
    const info = await child.exited;
    clearInterval(watchdog);
    this.interruptible = false;
    this.child = null;
    splitter.end();
    if (this.opts.settings.captureTarget === 'card') this.needsSweep = true; // the body's button was not watched
    else this.unwatchedSince = null;
    this.setStatus({ phase: this.connected ? 'idle' : 'absent', liveView: 'off' });
    if (stalled === 'keepalive') {
      log.info('live view restarted before the body times it out', { frames });
      return;
    }
    if (stalled === 'stall') {
      this.tell('liveview-stalled');
      return;
    }
    if (stalled === 'garbage') {
      this.tell('liveview-garbage');
      return;
    }
    if (stalled === 'ended') {
      // Unless the camera itself went away (that says "enable liveview failed" too).
      if (this.failureOf(info) !== 'disconnected' && (await this.stillThere())) this.tell('liveview-ended');
      return;
    }
    const interrupted = info.signal === 'SIGINT' || /Ctrl-C pressed|Cancelling/.test(info.stderr);
    if (interrupted && !/\*\*\* Error/.test(info.stderr)) return; // stopped for a shot, or not wanted
    const failure = this.failureOf(info);
    if (failure === 'liveview-unsupported') {
      this.liveViewUnsupported = true;
      this.tell('liveview-unsupported');
      this.setStatus({ liveView: 'unsupported' });
    } else if (failure === 'liveview-refused') {
      this.liveViewBlockedUntil = Date.now() + this.timing.liveViewRetryMs;
      this.tell('liveview-refused', { detail: classifyFailure(info.stderr).detail ?? '?' });
      this.setStatus({ liveView: 'refused' });
    } else if (failure === 'busy' || failure === 'claimed') {
      this.tell(failure);
      await this.pause(this.timing.busyBaseMs * 4);
    } else if (failure !== 'disconnected' && (await this.stillThere())) {
      // It ran and then ended by itself: the body's live-view timer, or a USB hiccup.
      this.tell('liveview-ended');
      if (frames === 0) await this.pause(this.timing.busyBaseMs * 4);
    }
  }

  /** After a run that ended without saying why ("Movie capture error"): is the camera still on the bus? */
  private async stillThere(): Promise<boolean> {
    const c = this.connected;
    if (!c) return false;
    const r = await runGphoto2(this.command, ['--auto-detect'], this.env, 15_000);
    if (parseAutoDetect(r.stdout).some((d) => d.port === c.port && d.model === c.model)) return true;
    this.tell('disconnected');
    this.lostCamera();
    return false;
  }

  // ---- listening for the body's button ----

  private async listen(): Promise<void> {
    if (this.storageDue) {
      this.storageDue = false;
      await this.checkStorage();
      return;
    }
    const pattern = join(this.opts.spoolDir, `body-%Y%m%d%H%M%S-%f.%C`);
    const keep = this.opts.settings.captureTarget === 'card' ? ['--keep'] : [];
    const release = this.releaseArgs ?? [];
    const hadHeld = this.bodyMayBeHeld;
    const seconds = Math.max(2, Math.round(Math.min(this.timing.listenWindowMs, (this.opts.settings.keepAliveMinutes || 10) * 60_000) / 1000));
    const deliveries: Promise<void>[] = [];
    const child = this.spawn([...release, `--wait-event-and-download=${seconds}s`, '--filename', pattern, ...keep], {
      line: (l) => {
        // "Waiting for N seconds for events": the body was handed back (the release ran first).
        if (this.bodyMayBeHeld && hadHeld && release.length > 0 && /^Waiting for .* events/.test(l)) {
          this.bodyMayBeHeld = false;
          this.tell('body-released');
        }
        const [path] = parseSavedFiles(l);
        if (!path) return;
        const at = Date.now();
        deliveries.push(
          this.whenComplete(path).then(async (bytes) => {
            if (!bytes) return;
            this.rememberDownloaded(path);
            await this.deliver({ bytes, source: basename(path).replace(/^body-\d+-/, ''), takenAtMs: at, spoolPath: path });
          }),
        );
      },
    });
    this.interruptible = true;
    if (this.captures.length > 0 || this.liveViewWanted || !this.running) void child.stop(this.timing.stopGraceMs);
    const info = await child.exited;
    this.interruptible = false;
    this.child = null;
    await Promise.all(deliveries);
    const interrupted = info.signal === 'SIGINT' || /Ctrl-C pressed|Cancelling/.test(info.stderr);
    if (!interrupted && info.code !== 0) {
      const output = `${info.stderr}\n${info.stdout}`;
      if (release.length > 0 && /controlmode|uilock|not found in configuration tree|configuration/i.test(output) && !/No Device|-52/.test(output)) {
        // This body has no way to be handed back: say that its button may stay locked.
        this.releaseArgs = [];
        this.tell('body-lock-unknown');
        return;
      }
      const failure = this.failureOf(info);
      if (failure === 'busy' || failure === 'claimed') {
        this.tell(failure);
        await this.pause(this.timing.busyBaseMs * 4);
      } else if (failure && failure !== 'disconnected') {
        await this.pause(this.timing.busyBaseMs * 4);
      }
      return;
    }
  }

  // ---- crash safety ----

  private childPids(): number[] {
    try {
      const pids: unknown = JSON.parse(readFileSync(this.pidFile, 'utf8'));
      return Array.isArray(pids) ? pids.filter((p): p is number => Number.isInteger(p)) : [];
    } catch {
      return [];
    }
  }

  private rememberChild(pid: number | undefined): void {
    if (!pid) return;
    writeFileSync(this.pidFile, JSON.stringify([...new Set([...this.childPids(), pid])]));
  }

  private forgetChild(pid: number | undefined): void {
    if (!pid) return;
    writeFileSync(this.pidFile, JSON.stringify(this.childPids().filter((p) => p !== pid)));
  }

  /** A gphoto2 this station started before it crashed still holds the camera: end it (ours only:
   * the PID must still be a gphoto2 writing into our spool folder). */
  private endLeftoverChildren(): void {
    for (const pid of this.childPids()) {
      const cmdline = `/proc/${pid}/cmdline`;
      if (!existsSync(cmdline)) continue;
      const args = readFileSync(cmdline, 'utf8').split('\0');
      if (args.some((a) => a.includes(this.opts.spoolDir)) || args.includes('--capture-movie')) {
        if (args.some((a) => /gphoto2/.test(a))) {
          log.warn('ending a gphoto2 left over from before a restart', { pid });
          try {
            process.kill(pid, 'SIGKILL');
            this.bodyMayBeHeld = true;
          } catch {
            // gone meanwhile
          }
        }
      }
    }
    writeFileSync(this.pidFile, '[]');
  }
}

/** A JPEG is whole once FF D9 ends it (cameras may pad with zeros after it). */
function jpegEnds(bytes: Buffer): boolean {
  let end = bytes.length;
  while (end > 2 && bytes[end - 1] === 0x00) end--;
  return end >= 2 && bytes[end - 2] === 0xff && bytes[end - 1] === 0xd9;
}
