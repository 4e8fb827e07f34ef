import { z } from 'zod';
import { canWithdraw } from './lifecycle.js';
import type { OrderStatus, Role } from './status.js';

/**
 * What a photographer may do beyond photographing, decided per task by the central server's admin
 * and sent down with the task: 撤回审核 ("the site manager, or a photographer if the task allows",
 * issue 14 rule 5) and the tethered camera's settings ("site manager or photographer, as the task
 * allows", issue 17). A site manager always may. One rule for main, which enforces it on the RPC, and
 * the renderer, which offers a control only where it holds, so the two never disagree.
 */

/** Wire and store fields, each with the value a task had before it was the task's to decide. */
export const TASK_RIGHTS_FIELDS = {
  /** Off by default: the centres' manuals give 撤回审核 to the site manager. */
  photographerMayWithdraw: z.boolean().default(false),
  /** On by default: every photographer could set the camera before this was the task's. */
  photographerMaySetCamera: z.boolean().default(true),
};

export const TaskRights = z.object({ photographerMayWithdraw: z.boolean(), photographerMaySetCamera: z.boolean() }).strict();
export type TaskRights = z.infer<typeof TaskRights>;

export const DEFAULT_TASK_RIGHTS: TaskRights = { photographerMayWithdraw: false, photographerMaySetCamera: true };

export type TaskRight = 'withdraw' | 'setCamera';

/** Whether someone of this role may use this right on a task with these rights. */
export function roleMay(role: Role, right: TaskRight, rights: TaskRights): boolean {
  if (role === 'manager') return true;
  return right === 'withdraw' ? rights.photographerMayWithdraw : rights.photographerMaySetCamera;
}

/** The refusal a photographer gets: it names the task's rule, so they know whom to ask. */
export function taskRightRefusal(right: TaskRight): { zh: string; en: string } {
  return right === 'withdraw'
    ? { zh: '本任务不允许摄影师撤回审核，请由站点负责人撤回', en: 'This task does not let photographers withdraw orders from review; the site manager can' }
    : { zh: '本任务不允许摄影师更改相机参数，请由站点负责人设置', en: 'This task does not let photographers change the camera settings; the site manager can' };
}

/** The student card's 撤回审核: a logged-in role with the right on this task, and an order the state machine lets go back. */
export function offersWithdraw(role: Role | null | undefined, rights: TaskRights, status: OrderStatus): boolean {
  return role != null && roleMay(role, 'withdraw', rights) && canWithdraw(status);
}

/** The camera panel's controls (each setting, applying a preset); reading the settings is anyone's. */
export function offersCameraSettings(role: Role | null | undefined, rights: TaskRights): boolean {
  return role != null && roleMay(role, 'setCamera', rights);
}

/** Rights as a store row keeps them (SQLite and PostgreSQL integers 0/1). */
export function taskRightsFromRow(row: { photographer_may_withdraw: number; photographer_may_set_camera: number }): TaskRights {
  return { photographerMayWithdraw: row.photographer_may_withdraw === 1, photographerMaySetCamera: row.photographer_may_set_camera === 1 };
}

/** Rights as any object that carries them (a feed item, a task summary), without the rest. */
export function pickTaskRights(t: TaskRights): TaskRights {
  return { photographerMayWithdraw: t.photographerMayWithdraw, photographerMaySetCamera: t.photographerMaySetCamera };
}
