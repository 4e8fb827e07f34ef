import type { AppContext } from '../services/AppContext.js';
import type { Handlers } from '../rpc/router.js';
import type { CameraService } from './cameraService.js';

type CameraSettingsProcedures = 'camera.dslrSettings' | 'camera.setDslrSetting' | 'camera.dslrPresets' | 'camera.saveDslrPreset' | 'camera.applyDslrPreset';

const NOT_IN_PROCESS = {
  zh: '只有通过内置的 libgphoto2 驱动联机时才能从工作站设置相机参数（当前使用 gphoto2 命令或未连接相机）',
  en: 'Camera settings can be set from the station only through the built-in libgphoto2 driver (the gphoto2 command is in use, or no camera is connected)',
};

/** The camera panel's settings and presets (issue 17). */
export function cameraSettingsHandlers(ctx: AppContext & { camera: CameraService }): Pick<Handlers, CameraSettingsProcedures> {
  const settings = ctx.camera.cameraSettings;
  return {
    'camera.dslrSettings': async () => {
      const camera = ctx.camera.configurableCamera();
      if (!camera) return { available: false, ...NOT_IN_PROCESS, settings: [], lastApplied: settings.lastResults() };
      return { available: true, zh: null, en: null, settings: await settings.read(camera), lastApplied: settings.lastResults() };
    },
    'camera.setDslrSetting': async ({ key, value }) => {
      const camera = ctx.camera.configurableCamera();
      if (!camera) return { key, value, ok: false, ...NOT_IN_PROCESS };
      return settings.set(camera, key, value);
    },
    'camera.dslrPresets': ({ taskCode }) => settings.presets(taskCode),
    'camera.saveDslrPreset': ({ taskCode, preset }, session) => ({ presets: settings.save(taskCode, preset, session.operator?.id ?? null, ctx.now().toISOString()) }),
    'camera.applyDslrPreset': async ({ taskCode, name }) => ({ results: await settings.apply(ctx.camera.configurableCamera(), taskCode, name) }),
  };
}
