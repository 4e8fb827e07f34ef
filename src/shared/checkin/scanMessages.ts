import type { ScanRefusal } from './scanOutcome.js';

export interface ScanMessageContext {
  /** Task named by a token that belongs elsewhere. */
  otherTask?: string;
  /** Local date the token expired on. */
  expiredOn?: string;
}

/** The words a photographer reads aloud to the student, and the English line for support. */
export function scanRefusalMessage(reason: ScanRefusal, c: ScanMessageContext = {}): { zh: string; en: string } {
  switch (reason) {
    case 'malformed':
      return { zh: '预约码不完整或已损坏，请让学生重新打开预约码，或手动查找', en: 'The reservation code is incomplete or damaged; reopen it or search by hand' };
    case 'bad_signature':
      return { zh: '预约码验证失败（可能被篡改或伪造），请手动核对身份', en: 'The reservation code failed verification (altered or forged); check identity by hand' };
    case 'expired':
      return {
        zh: `预约码已过期${c.expiredOn ? `（${c.expiredOn}）` : ''}，请手动查找学生`,
        en: `The reservation code has expired${c.expiredOn ? ` (${c.expiredOn})` : ''}; search for the student by hand`,
      };
    case 'other_task':
      return {
        zh: `这不是当前任务的预约码${c.otherTask ? `（码上写的任务：${c.otherTask}，未核验）` : ''}，请确认学生是否走错采集点`,
        en: `This reservation code is not for this task${c.otherTask ? ` (it names ${c.otherTask}, unverified)` : ''}; check the student is at the right site`,
      };
    case 'no_task_key':
      return { zh: '本任务尚未同步验证密钥，无法核验预约码，请手动查找', en: 'This task has no verification key yet (not synced); search by hand' };
    case 'unknown_reservation':
      return { zh: '预约码有效，但本站没有这条预约（可能尚未同步），请手动查找', en: 'Valid code, but this station does not have the reservation (not synced yet?); search by hand' };
    case 'cancelled':
      return { zh: '该预约已取消，请确认是否重新登记', en: 'This reservation was cancelled; confirm before registering again' };
    case 'already_captured':
      return { zh: '该学生已完成采集，预约码已使用', en: 'This student has already been photographed; the code is used' };
    case 'unrecognized':
      return { zh: '无法识别的二维码：不是预约码，也不是学信网采集码', en: 'Unrecognised code: neither a reservation code nor a CHSI capture code' };
  }
}

export const UNMATCHED_XUEXIN_MESSAGE = {
  zh: '学信网采集码不在本任务名单中：请手动查找，或按“待识别”登记',
  en: 'This CHSI capture code is not in the task roster: search by hand, or register as pending identification',
};
