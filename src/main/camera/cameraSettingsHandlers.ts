import type { Role } from '../../shared/domain/status.js';
import { roleMay, taskRightRefusal } from '../../shared/domain/taskRights.js';
import { AppError } from '../../shared/errors.js';
import { writeAudit } from '../db/queries/audit.js';
import { getOrder } from '../db/queries/orders.js';
import { allTaskRights, getTaskRights } from '../db/queries/tasks.js';
import type { AppContext, Session } from '../services/AppContext.js';
import type { Handlers } from '../rpc/router.js';
import type { CameraService } from './cameraService.js';

type CameraSettingsProcedures = 'camera.dslrSettings' | 'camera.setDslrSetting' | 'camera.dslrPresets' | 'camera.saveDslrPreset' | 'camera.applyDslrPreset';

const NOT_IN_PROCESS = {
  zh: '只有通过内置的 libgphoto2 驱动联机时才能从工作站设置相机参数（当前使用 gphoto2 命令或未连接相机）',
  en: 'Camera settings can be set from the station only through the built-in libgphoto2 driver (the gphoto2 command is in use, or no camera is connected)',
};

type TaskRef = { taskCode?: string | undefined; orderId?: string | undefined };

/** The camera panel's settings and presets (issue 17). */
export function cameraSettingsHandlers(ctx: AppContext & { camera: CameraService }): Pick<Handlers, CameraSettingsProcedures> {
  const settings = ctx.camera.cameraSettings;
  const named = (input: TaskRef): string | undefined => input.taskCode ?? (input.orderId ? getOrder(ctx.db, input.orderId)?.task_code : undefined);
  const task = (input: TaskRef): string => {
    const code = named(input);
    if (!code) throw new AppError('BAD_INPUT', { zh: '请指定采集任务或订单', en: 'Name the task or the order' });
    return code;
  };
  const rightsOf = (code: string) => {
    const rights = getTaskRights(ctx.db, code);
    if (!rights) throw new AppError('NOT_FOUND', { zh: `本站没有采集任务 ${code}`, en: `This station has no task ${code}` });
    return rights;
  };
  /**
   * Setting the camera is the task's to allow a photographer (its rights come down from the server).
   * The camera is the station's, not a task's: a change named for no task must be one every task
   * here allows, or a photographer could step around a task's rule by leaving the task out.
   */
  const mayChangeCamera = (session: Session, input: TaskRef): { role: Role; operatorId: string; taskCode: string | null } => {
    const operator = session.operator;
    if (!operator) throw new AppError('UNAUTHENTICATED');
    const code = named(input) ?? null;
    const allowed = code ? roleMay(operator.role, 'setCamera', rightsOf(code)) : allTaskRights(ctx.db).every((r) => roleMay(operator.role, 'setCamera', r));
    if (!allowed) throw new AppError('FORBIDDEN', taskRightRefusal('setCamera'));
    return { role: operator.role, operatorId: operator.id, taskCode: code };
  };
  return {
    'camera.dslrSettings': async () => {
      const camera = ctx.camera.configurableCamera();
      if (!camera) return { available: false, ...NOT_IN_PROCESS, settings: [], lastApplied: settings.lastResults() };
      return { available: true, zh: null, en: null, settings: await settings.read(camera), lastApplied: settings.lastResults() };
    },
    'camera.setDslrSetting': async ({ key, value, ...ref }, session) => {
      const who = mayChangeCamera(session, ref);
      const camera = ctx.camera.configurableCamera();
      if (!camera) return { key, value, ok: false, ...NOT_IN_PROCESS };
      const result = await settings.set(camera, key, value);
      // Only what reached the body is a change of settings; a refusal changed nothing.
      if (result.ok) {
        writeAudit(ctx.db, { at: ctx.now().toISOString(), operatorId: who.operatorId, action: 'settings.cameraSetting', detail: { key, value: result.value, role: who.role, taskCode: who.taskCode } });
      }
      return result;
    },
    'camera.dslrPresets': (input) => {
      const taskCode = task(input);
      return { taskCode, ...settings.presets(taskCode), rights: rightsOf(taskCode) };
    },
    'camera.saveDslrPreset': (input, session) => ({
      presets: settings.save(task(input), input.preset, session.operator ? { id: session.operator.id, role: session.operator.role } : null, ctx.now().toISOString()),
    }),
    'camera.applyDslrPreset': async (input, session) => {
      const taskCode = task(input);
      const who = mayChangeCamera(session, { taskCode });
      const results = await settings.apply(ctx.camera.configurableCamera(), taskCode, input.name);
      writeAudit(ctx.db, { at: ctx.now().toISOString(), operatorId: who.operatorId, action: 'settings.cameraPresetApplied', detail: { taskCode, name: input.name, role: who.role, refused: results.filter((r) => !r.ok).map((r) => r.key) } });
      return { results };
    },
  };
}
