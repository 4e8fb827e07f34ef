import type { z } from 'zod';
import type { Role } from '../../shared/domain/status.js';
import { AppError } from '../../shared/errors.js';
import { DSLR_SETTING_KEYS, DslrPreset, type DslrApplyResult, type DslrCameraSetting, type DslrSettingKey } from '../../shared/rpc/contract.js';
import type { Db } from '../db/openDatabase.js';
import { writeAudit } from '../db/queries/audit.js';
import { getSetting, setSetting } from '../db/queries/settings.js';
import { createLogger } from '../log/logger.js';
import type { AddonConfigItem } from './gphoto2/gphoto2Addon.js';

type Key = z.infer<typeof DslrSettingKey>;
type Setting = z.infer<typeof DslrCameraSetting>;
type Result = z.infer<typeof DslrApplyResult>;
type Preset = z.infer<typeof DslrPreset>;

const log = createLogger('camera');

/** libgphoto2's names for each setting, in the order tried (Nikon and Canon bodies name some differently). */
const NAMES: Record<Key, string[]> = {
  iso: ['iso', 'isospeed'],
  aperture: ['f-number', 'aperture'],
  shutterSpeed: ['shutterspeed', 'shutterspeed2'],
  whiteBalance: ['whitebalance'],
  imageQuality: ['imagequality', 'imageformat'],
  focusMode: ['focusmode', 'focusmode2'],
  captureTarget: ['capturetarget'],
};

const LABEL: Record<Key, { zh: string; en: string }> = {
  iso: { zh: '感光度 ISO', en: 'ISO' },
  aperture: { zh: '光圈', en: 'aperture' },
  shutterSpeed: { zh: '快门速度', en: 'shutter speed' },
  whiteBalance: { zh: '白平衡', en: 'white balance' },
  imageQuality: { zh: '画质/格式', en: 'image quality' },
  focusMode: { zh: '对焦模式', en: 'focus mode' },
  captureTarget: { zh: '照片保存位置', en: 'capture target' },
};

/** The tethered body's settings as the in-process driver reads and writes them. */
export interface ConfigurableCamera {
  readConfig(names: string[]): Promise<AddonConfigItem[]>;
  writeConfig(name: string, value: string): Promise<AddonConfigItem | null>;
}

/** Why the body refused a value, in words a photographer can act on. */
export function refusalWords(key: Key, value: string, reason: string): { zh: string; en: string } {
  const l = LABEL[key];
  if (/Access Denied|\(0x200f/i.test(reason)) {
    return {
      zh: `相机拒绝更改${l.zh}（${value}）：机身当前模式不允许（模式拨盘在 AUTO 或场景模式时由相机决定），请把模式拨盘转到 M/A/S/P`,
      en: `The camera refused to change the ${l.en} (${value}): its current mode does not allow it (on AUTO or a scene mode the camera decides); turn the mode dial to M/A/S/P`,
    };
  }
  if (/not offered|Invalid Device Prop Value|\(0x201c/i.test(reason)) {
    return { zh: `这台相机不提供${l.zh} ${value}：请从列表中选择`, en: `This camera does not offer ${l.en} ${value}: pick one from the list` };
  }
  if (/Device Busy|\(-110/i.test(reason)) {
    return { zh: `相机忙，${l.zh}未更改：请稍后再试`, en: `The camera is busy; the ${l.en} was not changed: try again shortly` };
  }
  if (/not available on this camera/.test(reason)) {
    return { zh: `这台相机不能通过 USB 设置${l.zh}`, en: `This camera does not let the ${l.en} be set over USB` };
  }
  const detail = /\n(.+)$/.exec(reason)?.[1] ?? reason;
  return { zh: `相机没有接受${l.zh} ${value}（${detail.slice(0, 120)}）`, en: `The camera did not take ${l.en} ${value} (${detail.slice(0, 120)})` };
}

const presetKey = (taskCode: string) => `camera.dslrPresets.${taskCode}`;
const ACTIVE = 'camera.dslrPreset.active';

/**
 * Camera settings from the station (ISO, aperture, shutter speed, white balance, image quality, focus
 * mode, capture target): read from the body with their allowed values, set one at a time, and kept as
 * presets per task. The active preset is applied whenever a camera is opened (a connect, a reconnect,
 * a new session after the body's live-view timer), since a body switched off and on may have lost it.
 */
export class DslrCameraSettings {
  private lastApplied: Result[] = [];

  constructor(private readonly db: Db) {}

  async read(camera: ConfigurableCamera): Promise<Setting[]> {
    const items = await camera.readConfig(Object.values(NAMES).flat());
    const out: Setting[] = [];
    for (const key of DSLR_SETTING_KEYS) {
      const item = NAMES[key].map((n) => items.find((i) => i.name === n)).find(Boolean);
      if (item) out.push({ key, value: item.value, choices: item.choices, readonly: item.readonly });
    }
    return out;
  }

  lastResults(): Result[] {
    return this.lastApplied.map((r) => ({ ...r }));
  }

  async set(camera: ConfigurableCamera, key: Key, value: string): Promise<Result> {
    const items = await camera.readConfig(NAMES[key]);
    const item = NAMES[key].map((n) => items.find((i) => i.name === n)).find(Boolean);
    const refused = (reason: string): Result => ({ key, value, ok: false, ...refusalWords(key, value, reason) });
    if (!item || item.readonly) return refused('not available on this camera');
    // A value the body does not list is said at once, without asking the body.
    if ((item.type === 'radio' || item.type === 'menu') && !item.choices.includes(value)) return refused('not offered');
    try {
      const now = await camera.writeConfig(item.name, value);
      return { key, value: now?.value ?? value, ok: true, zh: null, en: null };
    } catch (err) {
      const text = err instanceof Error ? err.message : String(err);
      log.warn('camera setting refused', { key, value, error: text.slice(0, 200) });
      return refused(text);
    }
  }

  presets(taskCode: string): { presets: Preset[]; active: string | null } {
    const raw = getSetting(this.db, presetKey(taskCode));
    let presets: Preset[] = [];
    if (raw) {
      try {
        presets = DslrPreset.array().parse(JSON.parse(raw));
      } catch {
        presets = [];
      }
    }
    const active = this.active();
    return { presets, active: active?.taskCode === taskCode ? active.name : null };
  }

  save(taskCode: string, preset: Preset, by: { id: string; role: Role } | null, at: string): Preset[] {
    const list = this.presets(taskCode).presets.filter((p) => p.name !== preset.name);
    list.push(preset);
    setSetting(this.db, presetKey(taskCode), JSON.stringify(list));
    writeAudit(this.db, { at, operatorId: by?.id ?? null, action: 'settings.cameraPreset', detail: { taskCode, name: preset.name, values: preset.values, role: by?.role ?? null } });
    return list;
  }

  /** Applies a task's preset now and makes it the one applied on every later connect. */
  async apply(camera: ConfigurableCamera | null, taskCode: string, name: string): Promise<Result[]> {
    const preset = this.presets(taskCode).presets.find((p) => p.name === name);
    if (!preset) throw new AppError('NOT_FOUND', { zh: `没有名为“${name}”的相机预设`, en: `No camera preset named "${name}"` });
    setSetting(this.db, ACTIVE, JSON.stringify({ taskCode, name }));
    return camera ? this.applyPreset(camera, preset) : [];
  }

  /** The active preset onto a camera just opened (its results kept for the camera panel). */
  async applyActive(camera: ConfigurableCamera): Promise<Result[]> {
    const active = this.active();
    if (!active) return [];
    const preset = this.presets(active.taskCode).presets.find((p) => p.name === active.name);
    return preset ? this.applyPreset(camera, preset) : [];
  }

  private async applyPreset(camera: ConfigurableCamera, preset: Preset): Promise<Result[]> {
    const results: Result[] = [];
    for (const key of DSLR_SETTING_KEYS) {
      const value = preset.values[key];
      if (value !== undefined) results.push(await this.set(camera, key, value));
    }
    this.lastApplied = results;
    return results;
  }

  private active(): { taskCode: string; name: string } | null {
    const raw = getSetting(this.db, ACTIVE);
    if (!raw) return null;
    try {
      const v = JSON.parse(raw) as { taskCode?: unknown; name?: unknown };
      return typeof v.taskCode === 'string' && typeof v.name === 'string' ? { taskCode: v.taskCode, name: v.name } : null;
    } catch {
      return null;
    }
  }
}

export { DSLR_SETTING_KEYS, type DslrSettingKey };
