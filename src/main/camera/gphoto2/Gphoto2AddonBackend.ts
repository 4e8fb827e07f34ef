import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../../shared/errors.js';
import { createLogger } from '../../log/logger.js';
import type { CameraBackend, CameraSink, IncomingShot } from '../cameraBackend.js';
import { cameraError, MIN_FRAME_WIDTH, TetheredDslrBase, type CaptureJob } from './TetheredDslrBase.js';
import { dslrFault } from './dslrFaults.js';
import { DEFAULT_TIMING, type Gphoto2Settings, type Gphoto2Timing } from './Gphoto2Backend.js';
import { loadGphoto2Addon, type AddonEvent, type AddonSession, type Gphoto2Addon } from './gphoto2Addon.js';
import { classifyFailure, parseSummary, type FaultCode } from './gphoto2Output.js';
import { CameraHotplug, loadUsbSource, type UsbSourceLoad } from '../usbHotplug.js';

const log = createLogger('gphoto2-addon');

export interface Gphoto2AddonOptions {
  /** The addon; loaded from native/ when left out. */
  addon?: Gphoto2Addon;
  /** Variables the camera's libraries read while they run (IOLIBS/CAMLIBS and the virtual camera's
   * VCAMERA_* in tests), set in this process from the camera thread before each connect and live view. */
  env?: NodeJS.ProcessEnv;
  spoolDir: string;
  settings: Gphoto2Settings;
  timing?: Partial<Gphoto2Timing>;
  /** USB hot-plug events (the `usb` package's source, or a stand-in shaped like it); loaded when left out. */
  usb?: UsbSourceLoad;
}

const PASSED_ENV = /^(IOLIBS|CAMLIBS|VCAMERA)/;
/** Variables an addon backend of this process has set (the environment is the process's, shared). */
const appliedEnv = new Set<string>();

/** A libgphoto2 failure read the way the gphoto2 command's output is (the addon words its errors alike). */
function classify(err: unknown): { code: FaultCode; detail: string | null } {
  const text = err instanceof Error ? err.message : String(err);
  return classifyFailure(text);
}

/** Width and height from a JPEG's first SOF marker (live-view frames carry them; no decode). */
export function jpegSize(jpeg: Buffer): { width: number; height: number } | null {
  if (jpeg.length < 4 || jpeg[0] !== 0xff || jpeg[1] !== 0xd8) return null;
  let i = 2;
  while (i + 9 < jpeg.length) {
    if (jpeg[i] !== 0xff) return null;
    const marker = jpeg[i + 1]!;
    if (marker === 0xff) {
      i++;
      continue;
    }
    const len = jpeg.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: jpeg.readUInt16BE(i + 5), width: jpeg.readUInt16BE(i + 7) };
    }
    i += 2 + len;
  }
  return null;
}

/**
 * A tethered camera driven in-process through libgphoto2 (native/, DESIGN §5): the same camera,
 * faults and words as Gphoto2Backend, without a process per mode. The addon's session thread owns
 * the camera; between the commands asked here (a shot, a download, a listing, a setting) it pulls
 * live-view frames while live view is wanted and otherwise waits for the body's own events. So a
 * shot during live view is one more command between two frames, and live view resumes with the
 * next frame after it.
 *
 *   not connected → detect every probeEveryMs; open; hand a locked body back; capture target; card
 *                   listing (what is there stays alone); storage
 *   a shot asked  → capture + download into the spool folder (DeviceBusy / claimed retried)
 *   file added    → the body's own button: downloaded unless this station took it
 *   card to check → after a fault that may have left a shot on the card
 *   live-view ends by the body's timer → a new session (what the body needs to start it again);
 *                   keep-alive starts that new session before the timer runs out
 */
export class Gphoto2AddonBackend extends TetheredDslrBase implements CameraBackend {
  readonly kind = 'gphoto2' as const;
  readonly engine = 'addon' as const;
  private readonly addon: Gphoto2Addon;
  private readonly timing: Gphoto2Timing;
  private session: AddonSession | null = null;
  private running = false;
  private loopDone: Promise<void> = Promise.resolve();
  private wakeUp: (() => void) | null = null;

  private connected: { model: string; port: string; manufacturer: string | null } | null = null;
  private readonly captures: CaptureJob[] = [];
  private readonly bodyShots: { folder: string; name: string; at: number }[] = [];
  private liveViewWanted = false;
  private liveViewUnsupported = false;
  private liveViewBlockedUntil = 0;
  private liveViewStartedAt = 0;
  private reopenDue = false;
  private needsSweep = false;
  private storageDue = false;
  private known: Set<string> | null = null;
  private pendingShotAt: number | null = null;
  private frameSeq = 0;
  private hotplug: CameraHotplug | null = null;
  /** A camera was unplugged somewhere: is ours still there? */
  private presenceDue = false;
  private bodyMayBeHeld = false;
  private readonly openMarker: string;

  constructor(private readonly opts: Gphoto2AddonOptions) {
    super(opts.spoolDir);
    const loaded = opts.addon ? { ok: true as const, addon: opts.addon } : loadGphoto2Addon();
    if (!loaded.ok) throw new Error(`the libgphoto2 addon is not available: ${loaded.reason}`);
    this.addon = loaded.addon;
    this.timing = { ...DEFAULT_TIMING, ...opts.timing };
    this.openMarker = join(opts.spoolDir, '.camera-open');
  }

  get settings(): Gphoto2Settings {
    return this.opts.settings;
  }

  // ---- CameraBackend ----

  async start(sink: CameraSink): Promise<void> {
    this.sink = sink;
    mkdirSync(this.opts.spoolDir, { recursive: true, mode: 0o700 });
    // Left by a session that never closed: the station crashed with the camera open.
    this.bodyMayBeHeld = existsSync(this.openMarker);
    // A download cut by a crash is a .part (the addon renames it when whole): dropped, never offered.
    await this.fileLeftoverSpool((name) => name.endsWith('.part') || name.endsWith('.part-of-shot'));
    this.session = new this.addon.Session((e) => this.onEvent(e));
    const usb = this.opts.usb ?? (await loadUsbSource());
    if (usb.ok) {
      this.hotplug = new CameraHotplug(usb.source, (e) => {
        log.info('USB camera event', { kind: e.kind, maker: e.maker, id: e.id });
        if (e.kind === 'detach') this.presenceDue = true;
        this.wake();
      });
      this.setStatus({ hotplug: { source: 'usb', zh: '相机插拔即时识别（USB 事件）', en: 'A camera is noticed the moment it is plugged in (USB events)' } });
    } else {
      this.setStatus({
        hotplug: {
          source: 'polling',
          zh: `无法接收 USB 插拔事件（${usb.reason}）：每隔几秒查找一次相机`,
          en: `No USB plug events here (${usb.reason}): the station looks for the camera every few seconds`,
        },
      });
    }
    this.running = true;
    this.loopDone = this.loop();
  }

  stop(): void {
    void this.close();
  }

  /** Stops the loop and ends the camera session (the body is handed back by gp_camera_exit). */
  async close(): Promise<void> {
    if (!this.running && !this.session) return;
    this.running = false;
    this.hotplug?.close();
    this.hotplug = null;
    for (const job of this.captures.splice(0)) job.reject(new AppError('CONFLICT', { zh: '相机已停止', en: 'The camera was stopped' }));
    this.session?.setLiveView(false);
    this.session?.setListen(false);
    this.wake();
    await this.loopDone;
    const s = this.session;
    this.session = null;
    await s?.dispose();
    rmSync(this.openMarker, { force: true });
  }

  trigger(): Promise<IncomingShot> {
    if (!this.running) return Promise.reject(new AppError('CONFLICT', { zh: '相机未启动', en: 'The camera is not running' }));
    if (!this.connected) return Promise.reject(cameraError(this.statusValue.fault ?? dslrFault('absent', new Date())));
    return new Promise<IncomingShot>((resolve, reject) => {
      this.captures.push({ requestedAt: Date.now(), resolve, reject });
      this.wake();
    });
  }

  setLiveView(on: boolean): void {
    if (this.liveViewWanted === on) return;
    this.liveViewWanted = on;
    if (on) this.liveViewBlockedUntil = 0;
    this.applyLiveView();
    this.wake();
  }

  /** Cameras on the bus now (through the session's thread, between its other calls). */
  async detect(): Promise<{ model: string; port: string }[]> {
    if (this.session) return this.session.detect();
    // Not started (the settings screen asks before a DSLR is chosen): a session of its own, briefly.
    const probe = new this.addon.Session(() => undefined);
    try {
      await probe.setEnv(this.passedEnv());
      return await probe.detect();
    } finally {
      await probe.dispose();
    }
  }

  /** The body's settings (libgphoto2 names), with their allowed values. */
  async readConfig(names: string[]) {
    if (!this.session || !this.connected) throw cameraError(this.statusValue.fault ?? dslrFault('absent', new Date()));
    return this.session.getConfig(names);
  }

  /** Sets one setting on the body; the body's refusal comes back as the error. */
  async writeConfig(name: string, value: string) {
    if (!this.session || !this.connected) throw cameraError(this.statusValue.fault ?? dslrFault('absent', new Date()));
    return this.session.setConfig(name, value);
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
        const body = this.bodyShots.shift();
        if (body) {
          await this.fetchBodyShot(body);
          continue;
        }
        if (this.needsSweep) {
          await this.sweep();
          continue;
        }
        if (this.presenceDue) {
          this.presenceDue = false;
          await this.checkPresence();
          continue;
        }
        if (this.reopenDue) {
          await this.reopen();
          continue;
        }
        if (this.storageDue) {
          this.storageDue = false;
          await this.checkStorage();
          continue;
        }
        this.applyLiveView();
        await this.pause(this.nextTimerMs());
      } catch (err) {
        log.error('camera loop step failed', { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
        await this.pause(1000);
      }
    }
    this.setStatus({ phase: 'absent', liveView: 'off' });
  }

  /** How long the loop may sleep: until a refused live view is tried again, or keep-alive is due. */
  private nextTimerMs(): number {
    const now = Date.now();
    let ms = 60_000;
    if (this.liveViewWanted && this.liveViewBlockedUntil > now) ms = Math.min(ms, this.liveViewBlockedUntil - now);
    const keepAlive = this.keepAliveMs();
    if (this.liveViewWanted && this.liveViewStartedAt && Number.isFinite(keepAlive)) {
      const due = this.liveViewStartedAt + keepAlive - now;
      if (due <= 0) this.reopenDue = true;
      ms = Math.min(ms, Math.max(0, due));
    }
    return ms;
  }

  private keepAliveMs(): number {
    return this.timing.keepAliveMs ?? (this.opts.settings.keepAliveMinutes > 0 ? this.opts.settings.keepAliveMinutes * 60_000 : Infinity);
  }

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

  /** What the session thread should do between commands: live view, or listen for the body. */
  private applyLiveView(): void {
    const s = this.session;
    if (!s || !this.connected) return;
    const on = this.running && this.liveViewWanted && !this.liveViewUnsupported && Date.now() >= this.liveViewBlockedUntil;
    if (on && this.statusValue.liveView !== 'on' && this.statusValue.liveView !== 'starting') {
      this.setStatus({ phase: 'liveview', liveView: 'starting' });
      this.liveViewStartedAt = Date.now();
      void s.setEnv(this.passedEnv());
    }
    if (!on && (this.statusValue.liveView === 'on' || this.statusValue.liveView === 'starting')) {
      this.liveViewStartedAt = 0;
      this.setStatus({ phase: 'idle', liveView: 'off' });
    }
    s.setLiveView(on);
    s.setListen(this.running);
  }

  private passedEnv(): Record<string, string | undefined> {
    const out: Record<string, string | undefined> = {};
    // A variable set for an earlier camera and absent now is unset, not left behind.
    for (const k of appliedEnv) out[k] = undefined;
    for (const [k, v] of Object.entries(this.opts.env ?? {})) {
      if (!PASSED_ENV.test(k) || v === undefined) continue;
      out[k] = v;
      appliedEnv.add(k);
    }
    return out;
  }

  private onEvent(e: AddonEvent): void {
    switch (e.type) {
      case 'frame': {
        const size = jpegSize(e.jpeg);
        if (!size || size.width < MIN_FRAME_WIDTH) return;
        if (this.statusValue.liveView !== 'on') {
          this.setStatus({ phase: 'liveview', liveView: 'on' });
          this.clearFault('liveview-refused', 'liveview-stalled', 'liveview-garbage', 'liveview-ended', 'busy', 'claimed');
        }
        this.sink?.frame?.({ seq: ++this.frameSeq, jpeg: e.jpeg, width: size.width, height: size.height });
        return;
      }
      case 'liveview-error':
        this.liveViewFailed(e.error);
        return;
      case 'event-error': {
        const { code } = classify(e.error);
        if (code === 'disconnected') {
          this.lost(true, e.error);
          return;
        }
        if (code === 'busy' || code === 'claimed') this.tell(code);
        else log.warn('camera event wait failed', { error: e.error.message.slice(0, 300) });
        // Listening resumes at the loop's next turn (after a short pause for a busy body).
        setTimeout(() => this.wake(), this.timing.busyBaseMs * 4).unref();
        return;
      }
      case 'file-added':
        if (this.isKnown(e.folder, e.name)) return;
        this.bodyShots.push({ folder: e.folder, name: e.name, at: Date.now() });
        this.wake();
        return;
      case 'capture-complete':
        return;
    }
  }

  private liveViewFailed(error: Error): void {
    const { code, detail } = classify(error);
    this.liveViewStartedAt = 0;
    this.setStatus({ liveView: 'off', phase: this.connected ? 'idle' : 'absent' });
    if (code === 'disconnected') {
      this.lost(true, error);
    } else if (code === 'liveview-unsupported') {
      this.liveViewUnsupported = true;
      this.tell('liveview-unsupported');
      this.setStatus({ liveView: 'unsupported' });
    } else if (code === 'liveview-refused') {
      this.liveViewBlockedUntil = Date.now() + this.timing.liveViewRetryMs;
      this.tell('liveview-refused', { detail: detail ?? '?' });
      this.setStatus({ liveView: 'refused' });
    } else if (code === 'busy' || code === 'claimed') {
      this.tell(code);
      this.liveViewBlockedUntil = Date.now() + this.timing.busyBaseMs * 4;
    } else {
      // Live view ended by the body (its timer) or a USB hiccup: the body starts it again only in a
      // new session, so the camera is opened afresh (and dropped if it is not there any more).
      this.tell('liveview-ended');
      this.reopenDue = true;
    }
    this.wake();
  }

  // ---- connecting ----

  private async connect(): Promise<void> {
    const s = this.session!;
    await s.setEnv(this.passedEnv());
    let cameras: { model: string; port: string }[];
    try {
      cameras = await s.detect();
    } catch (err) {
      log.warn('detect failed', { error: err instanceof Error ? err.message : String(err) });
      cameras = [];
    }
    const { model, port } = this.opts.settings;
    const chosen = cameras.find((c) => c.port === port && (!model || c.model === model)) ?? cameras.find((c) => !model || c.model === model);
    if (!chosen) {
      this.setStatus({ phase: 'absent', model: null, port: null, liveView: 'off' });
      if (this.statusValue.fault?.code !== 'disconnected') this.tell('absent');
      this.sink?.present(false);
      // With USB events a plug-in wakes the search at once; the slow search only covers a missed event.
      await this.pause(this.hotplug ? this.timing.probeEveryMs * 5 : this.timing.probeEveryMs);
      return;
    }
    let summary: string;
    try {
      summary = (await s.open(chosen.model, chosen.port)).summary;
    } catch (err) {
      const { code } = classify(err);
      if (code === 'claimed' || code === 'busy') this.tell(code);
      else log.warn('camera did not open', { error: err instanceof Error ? err.message : String(err) });
      await this.pause(this.timing.probeEveryMs);
      return;
    }
    const manufacturer = parseSummary(summary).manufacturer;
    this.connected = { model: chosen.model, port: chosen.port, manufacturer };
    log.info('camera connected', { model: chosen.model, port: chosen.port, engine: 'addon' });
    await this.handBodyBack();
    await this.setCaptureTarget();
    await this.checkStorage();
    if (this.known === null) {
      try {
        this.known = new Set((await s.listFiles()).map((f) => `${f.folder}/${f.name}`));
      } catch (err) {
        if (classify(err).code === 'disconnected') return this.lost(true, err);
      }
    } else {
      this.needsSweep = true;
    }
    if (!this.connected) return;
    this.clearFault('absent', 'disconnected', 'claimed', 'busy', 'not-gphoto2');
    this.setStatus({ phase: 'idle', model: chosen.model, port: chosen.port, liveView: 'off' });
    this.sink?.present(true);
    await this.opened();
  }

  private async opened(): Promise<void> {
    try {
      await this.sink?.opened?.();
    } catch (err) {
      log.warn('settings on open failed', { error: err instanceof Error ? err.message : String(err) });
    }
  }

  /**
   * A body a crashed station left under host control (Nikon control mode, Canon UI lock) gets its own
   * button back. Whether it was left so is known from the marker an open session keeps in the spool
   * folder (the body's control mode cannot be read back: libgphoto2 offers it write-only).
   */
  private async handBodyBack(): Promise<void> {
    const s = this.session!;
    const held = this.bodyMayBeHeld;
    this.bodyMayBeHeld = false;
    writeFileSync(this.openMarker, String(process.pid));
    if (!held) return;
    const maker = this.connected?.manufacturer ?? this.connected?.model ?? '';
    const name = /nikon/i.test(maker) ? 'controlmode' : /canon/i.test(maker) ? 'uilock' : null;
    if (!name) return;
    try {
      await s.setConfig(name, '0');
      this.tell('body-released');
    } catch {
      this.tell('body-lock-unknown');
    }
  }

  private async setCaptureTarget(): Promise<void> {
    const s = this.session!;
    const [item] = await s.getConfig(['capturetarget']).catch(() => []);
    if (!item) return;
    // libgphoto2 orders the choices Internal RAM, Memory card (the gphoto2 command's 0 and 1).
    const want = item.choices[this.opts.settings.captureTarget === 'card' ? 1 : 0];
    if (!want || item.value === want) return;
    await s.setConfig('capturetarget', want).catch((err: unknown) => log.warn('capture target not set', { error: String(err) }));
  }

  private async checkStorage(): Promise<void> {
    if (!this.session || !this.connected) return;
    let freeImages: number | null;
    try {
      ({ freeImages } = await this.session.storageInfo());
    } catch (err) {
      if (classify(err).code === 'disconnected') this.lost(true, err);
      return;
    }
    this.setStatus({ freeImages });
    if (this.opts.settings.captureTarget === 'card' && freeImages !== null) {
      if (freeImages === 0) this.tell('store-full');
      else if (freeImages < 20) this.tell('store-low', { n: freeImages });
      else this.clearFault('store-full', 'store-low');
    }
  }

  /** After a USB detach: the camera is dropped at once if it is no longer on the bus. */
  private async checkPresence(): Promise<void> {
    const c = this.connected;
    if (!c || !this.session) return;
    const cameras = await this.session.detect().catch(() => null);
    if (cameras && !cameras.some((d) => d.port === c.port && d.model === c.model)) this.lost(true);
  }

    /** A new libgphoto2 session on the same camera: live view after the body ended it, and keep-alive. */
  private async reopen(): Promise<void> {
    this.reopenDue = false;
    const c = this.connected;
    const s = this.session;
    if (!c || !s) return;
    s.setLiveView(false);
    await s.closeCamera();
    this.setStatus({ liveView: 'off' });
    this.liveViewStartedAt = 0;
    try {
      await s.setEnv(this.passedEnv());
      await s.open(c.model, c.port);
    } catch (err) {
      const { code } = classify(err);
      if (code === 'claimed' || code === 'busy') this.tell(code);
      this.lost(code === 'disconnected', err);
      return;
    }
    this.needsSweep = this.needsSweep || this.opts.settings.captureTarget === 'card';
    await this.opened();
  }

  private lost(sayIt = true, why?: unknown): void {
    if (this.connected) log.warn('camera lost', { model: this.connected.model, port: this.connected.port, error: why instanceof Error ? why.message.slice(0, 300) : undefined });
    if (sayIt) this.tell('disconnected');
    this.connected = null;
    this.liveViewStartedAt = 0;
    this.session?.setLiveView(false);
    this.session?.setListen(false);
    void this.session?.closeCamera();
    this.setStatus({ phase: 'absent', liveView: 'off' });
    this.sink?.present(false);
    this.wake();
  }

  // ---- shooting ----

  private async capture(job: CaptureJob): Promise<void> {
    const s = this.session!;
    this.setStatus({ phase: 'capturing' });
    const keep = this.opts.settings.captureTarget === 'card';
    try {
      for (let attempt = 0; ; attempt++) {
        const spool = join(this.opts.spoolDir, `shot-${job.requestedAt}-${attempt}.part-of-shot`);
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), this.timing.captureTimeoutMs);
        });
        try {
          const got = await Promise.race([s.capture(spool, keep), timedOut]);
          if (got === 'timeout') {
            log.warn('shot timed out', { ms: this.timing.captureTimeoutMs });
            this.needsSweep = true;
            this.pendingShotAt = job.requestedAt;
            throw cameraError(this.tell('capture-timeout'));
          }
          // Named after the card file, as the gphoto2 command names its downloads.
          const path = join(this.opts.spoolDir, `shot-${job.requestedAt}-${got.name}`);
          await rm(path, { force: true });
          await rename(spool, path);
          const bytes = await readFile(path);
          this.known?.add(`${got.folder}/${got.name}`);
          this.clearFault('busy', 'claimed', 'capture-timeout', 'capture-failed', 'store-full', 'recovered-shot');
          job.resolve({ bytes, source: got.name, takenAtMs: job.requestedAt, spoolPath: path });
          if (keep) this.storageDue = true;
          return;
        } catch (err) {
          if (err instanceof AppError) throw err;
          const { code, detail } = classify(err);
          const message = err instanceof Error ? err.message : String(err);
          if ((code === 'busy' || code === 'claimed') && attempt < this.timing.busyRetries) {
            this.tell(code);
            await new Promise((r) => setTimeout(r, Math.min(2000, this.timing.busyBaseMs * 2 ** attempt)));
            continue;
          }
          if (code === 'disconnected') {
            // The shot may be on the card already (taken, then the cable went mid-download): it is
            // fetched when the camera is back.
            this.pendingShotAt = job.requestedAt;
            this.lost(true, err);
            throw cameraError(this.statusValue.fault ?? dslrFault('disconnected', new Date()));
          }
          if (code === 'store-full') throw cameraError(this.tell('store-full'));
          this.needsSweep = true;
          this.pendingShotAt = job.requestedAt;
          await this.checkStorage();
          if (this.statusValue.fault?.code === 'store-full') throw cameraError(this.statusValue.fault);
          log.warn('shot failed', { error: message.slice(0, 300) });
          throw cameraError(code === 'timeout' ? this.tell('capture-timeout') : this.tell('capture-failed', { detail: detail ?? code }));
        } finally {
          clearTimeout(timer);
          await rm(spool, { force: true }).catch(() => undefined);
        }
      }
    } catch (err) {
      job.reject(err);
    } finally {
      if (this.connected) this.setStatus({ phase: this.statusValue.liveView === 'on' ? 'liveview' : 'idle' });
    }
  }

  private isKnown(folder: string, name: string): boolean {
    return !!this.known && this.known.has(`${folder}/${name}`);
  }

  /** The body's own shutter button: the file it wrote, fetched (and left on the card or not, per setting). */
  private async fetchBodyShot(shot: { folder: string; name: string; at: number }): Promise<void> {
    if (this.isKnown(shot.folder, shot.name)) return;
    await this.fetch(shot.folder, shot.name, 'body', shot.at);
  }

  private async fetch(folder: string, name: string, prefix: 'body' | 'card', takenAtMs: number): Promise<boolean> {
    const recovering = prefix === 'card' && this.pendingShotAt !== null;
    const path = join(this.opts.spoolDir, `${prefix}-${Date.now()}-${name}`);
    try {
      await this.session!.download(folder, name, path, this.opts.settings.captureTarget !== 'card');
    } catch (err) {
      if (classify(err).code === 'disconnected') this.lost(true, err);
      else log.warn('download failed', { file: name, error: err instanceof Error ? err.message.slice(0, 300) : String(err) });
      this.needsSweep = true;
      return false;
    }
    this.known?.add(`${folder}/${name}`);
    const bytes = await readFile(path);
    log.info('shot fetched from the camera', { file: name, from: prefix });
    // Said before the shot is handed over: whoever receives it already sees why it came late.
    if (recovering) this.tell('recovered-shot');
    await this.deliver({ bytes, source: name, takenAtMs, spoolPath: path });
    return true;
  }

  /** Shots on the card this station never downloaded (a shot cut off by a dropped cable). */
  private async sweep(): Promise<void> {
    this.needsSweep = false;
    const since = this.pendingShotAt ?? Date.now();
    let files;
    try {
      files = await this.session!.listFiles();
    } catch (err) {
      if (classify(err).code === 'disconnected') this.lost(true, err);
      else this.needsSweep = true;
      return;
    }
    if (this.known === null) {
      this.known = new Set(files.map((f) => `${f.folder}/${f.name}`));
      return;
    }
    for (const f of files.filter((x) => !this.isKnown(x.folder, x.name))) {
      if (!(await this.fetch(f.folder, f.name, 'card', since))) return;
    }
    this.pendingShotAt = null;
  }
}
