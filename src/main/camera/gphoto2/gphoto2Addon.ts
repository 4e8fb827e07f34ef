import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { packageRoot } from '../../app/packageRoot.js';

/** A card file as the addon names it (folder is the camera's own path, /store_00010001/DCIM/100NCD750). */
export interface AddonCardFile {
  folder: string;
  name: string;
  size: number | null;
  mtime: number | null;
}

/** One camera setting as libgphoto2 describes it (radio/menu: one of `choices`; range: min..max by step). */
export interface AddonConfigItem {
  name: string;
  label: string;
  type: 'text' | 'radio' | 'menu' | 'range' | 'toggle' | 'date' | 'button';
  value: string;
  readonly: boolean;
  choices: string[];
  min?: number;
  max?: number;
  step?: number;
}

/** What the camera thread tells the main thread, unasked. */
export type AddonEvent =
  | { type: 'frame'; seq: number; dropped: number; jpeg: Buffer }
  | { type: 'liveview-error'; error: AddonError }
  | { type: 'event-error'; error: AddonError }
  | { type: 'file-added'; folder: string; name: string }
  | { type: 'capture-complete' };

/** A libgphoto2 failure: message is worded like the gphoto2 command's (`*** Error (-52: '…') ***` and the driver's words). */
export interface AddonError extends Error {
  gpCode: number;
  gpText: string;
  gpContext: string;
}

/** native/src/gphoto2_addon.cc's Session: every call runs on the session's own thread, in the order asked. */
export interface AddonSession {
  detect(): Promise<{ model: string; port: string }[]>;
  open(model: string, port: string): Promise<{ summary: string }>;
  closeCamera(): Promise<void>;
  capture(path: string, keepOnCard: boolean): Promise<{ folder: string; name: string; path: string }>;
  download(folder: string, name: string, path: string, removeFromCard: boolean): Promise<void>;
  remove(folder: string, name: string): Promise<void>;
  listFiles(): Promise<AddonCardFile[]>;
  storageInfo(): Promise<{ freeImages: number | null; freeKb: number | null }>;
  getConfig(names?: string[]): Promise<AddonConfigItem[]>;
  setConfig(name: string, value: string): Promise<AddonConfigItem | null>;
  setEnv(vars: Record<string, string | undefined>): Promise<void>;
  setLiveView(on: boolean): void;
  setListen(on: boolean): void;
  dispose(): Promise<void>;
}

export interface Gphoto2Addon {
  Session: new (onEvent: (e: AddonEvent) => void) => AddonSession;
  libgphoto2: string;
}

export type AddonLoad = { ok: true; addon: Gphoto2Addon; path: string } | { ok: false; reason: string };

let cached: AddonLoad | null = null;

/**
 * The libgphoto2 addon (native/, built by native/build.mjs), or why it is not there. CC_GPHOTO2_ADDON=0
 * turns it off (the gphoto2 command is used); CC_GPHOTO2_ADDON=<path> loads that file instead.
 */
export function loadGphoto2Addon(): AddonLoad {
  const setting = process.env.CC_GPHOTO2_ADDON;
  if (setting === '0') return { ok: false, reason: 'turned off (CC_GPHOTO2_ADDON=0)' };
  if (cached) return cached;
  const path = setting && setting !== '1' ? setting : join(packageRoot(), 'native', 'build', 'Release', 'cc_gphoto2.node');
  if (!existsSync(path)) return (cached = { ok: false, reason: `not built (${path} is missing: run npm run build:native)` });
  try {
    const addon = createRequire(import.meta.url)(path) as Gphoto2Addon;
    if (typeof addon.Session !== 'function') return (cached = { ok: false, reason: `${path} is not the libgphoto2 addon` });
    return (cached = { ok: true, addon, path });
  } catch (err) {
    // A build for another libgphoto2, or a library missing on this machine (libgphoto2-6 not installed).
    return (cached = { ok: false, reason: err instanceof Error ? err.message : String(err) });
  }
}
