import { AppError } from '../../shared/errors.js';
import { getOrder } from '../db/queries/orders.js';
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
  const task = (input: { taskCode?: string | undefined; orderId?: string | undefined }): string => {
    const code = input.taskCode ?? (input.orderId ? getOrder(ctx.db, input.orderId)?.task_code : undefined);
    if (!code) throw new AppError('BAD_INPUT', { zh: '请指定采集任务或订单', en: 'Name the task or the order' });
    return code;
  };
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
    'camera.dslrPresets': (input) => {
      const taskCode = task(input);
      return { taskCode, ...settings.presets(taskCode) };
    },
    'camera.saveDslrPreset': (input, session) => ({ presets: settings.save(task(input), input.preset, session.operator?.id ?? null, ctx.now().toISOString()) }),
    'camera.applyDslrPreset': async (input) => ({ results: await settings.apply(ctx.camera.configurableCamera(), task(input), input.name) }),
  };
}
