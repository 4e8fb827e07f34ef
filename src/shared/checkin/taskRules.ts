import { z } from 'zod';
import type { TimeSlot } from '../domain/entities.js';

/**
 * Check-in rules that belong to the task, not to the station (issue 14, DESIGN §3 lifecycle rules):
 * the 特征码's format, the check-in mode, and how long a reservation stays good. One file for the
 * server (which stores and sends them), the station (which enforces them) and the renderer (which
 * shapes its forms by them).
 */

/** digits: 0-9 (广东 "请输入四位特征码"); alnum: letters and digits (新华社, 6); hex: 0-9 A-F (图像信息采集服务, 24). */
export const FEATURE_CODE_ALPHABETS = ['digits', 'alnum', 'hex'] as const;
export const FeatureCodeAlphabet = z.enum(FEATURE_CODE_ALPHABETS);
export type FeatureCodeAlphabet = z.infer<typeof FeatureCodeAlphabet>;

/** The longest format in the centres' manuals is 24; 64 leaves room without inviting abuse. */
export const FEATURE_CODE_MAX_LENGTH = 64;

export const FeatureCodeFormat = z
  .object({
    length: z.number().int().min(1).max(FEATURE_CODE_MAX_LENGTH),
    alphabet: FeatureCodeAlphabet,
  })
  .strict();
export type FeatureCodeFormat = z.infer<typeof FeatureCodeFormat>;

/** What every station enforced before the format was the task's: tasks made then keep it. */
export const DEFAULT_FEATURE_CODE_FORMAT: FeatureCodeFormat = { length: 6, alphabet: 'alnum' };

/** 集中: task code + ID last 4 + 特征码 (or a code). 散排: task code + ID last 4 alone (广东 manual). */
export const CHECKIN_MODES = ['集中', '散排'] as const;
export const CheckinMode = z.enum(CHECKIN_MODES);
export type CheckinMode = z.infer<typeof CheckinMode>;
export const DEFAULT_CHECKIN_MODE: CheckinMode = '集中';

const CLASS: Record<FeatureCodeAlphabet, string> = { digits: '0-9', alnum: 'A-Za-z0-9', hex: '0-9A-Fa-f' };
const ALPHABET_WORDS: Record<FeatureCodeAlphabet, { zh: string; en: string }> = {
  digits: { zh: '数字', en: 'digits' },
  alnum: { zh: '字母或数字', en: 'letters or digits' },
  hex: { zh: '十六进制字符（0-9、A-F）', en: 'hexadecimal characters (0-9, A-F)' },
};

/** "4 位数字" / "4 digits": the format in words, for hints and refusals. */
export function describeFeatureCode(format: FeatureCodeFormat): { zh: string; en: string } {
  const words = ALPHABET_WORDS[format.alphabet];
  return { zh: `${format.length} 位${words.zh}`, en: `${format.length} ${words.en}` };
}

/** The message a wrong-format code gets: it says what this task expects, not just "invalid". */
export function featureCodeRuleMessage(format: FeatureCodeFormat): { zh: string; en: string } {
  const d = describeFeatureCode(format);
  return { zh: `本任务的特征码为 ${d.zh}`, en: `This task's feature code is ${d.en}` };
}

export type FeatureCodeCheck = { ok: true; code: string } | { ok: false; zh: string; en: string };

/** Checks a typed 特征码 against the task's format. Case does not matter (digests are of the
 * upper-case text), surrounding spaces are dropped; anything else is the student's typo. */
export function checkFeatureCode(format: FeatureCodeFormat, raw: string): FeatureCodeCheck {
  const code = raw.trim();
  const pattern = new RegExp(`^[${CLASS[format.alphabet]}]{${format.length}}$`);
  return pattern.test(code) ? { ok: true, code: code.toUpperCase() } : { ok: false, ...featureCodeRuleMessage(format) };
}

/** The keyboard a touch screen should offer: a digits-only code needs no letters. */
export function featureCodeInputMode(format: FeatureCodeFormat): 'numeric' | 'text' {
  return format.alphabet === 'digits' ? 'numeric' : 'text';
}

/** Local end of a calendar day (YYYY-MM-DD), Unix seconds: a day's session ends with the day. */
export function endOfLocalDay(date: string): number {
  return Math.floor(new Date(`${date}T23:59:59`).getTime() / 1000);
}

/** The task's last session day, or null when it has none. Dates are ISO, so they sort as text. */
export function lastSessionDate(sessionDates: readonly string[]): string | null {
  return sessionDates.length === 0 ? null : [...sessionDates].sort().at(-1)!;
}

/**
 * Until when a reservation token is good, Unix seconds. A student who missed the booked slot may be
 * photographed at any session of the task (高校学生图像采集, 注意事项 3), so the task's last session
 * day decides, whatever the token's exp says: tokens signed under the old slot-day rule keep working,
 * and a task whose sessions were cut short ends its tokens with it. Only a task with no session
 * dates falls back to the token's own exp.
 */
export function reservationValidUntil(sessionDates: readonly string[], tokenExp: number): number {
  const last = lastSessionDate(sessionDates);
  return last === null ? tokenExp : endOfLocalDay(last);
}

/** "12-08 上午" / "12-08 morning": the booked slot as the card names it (noon splits the day). */
export function slotLabel(slot: Pick<TimeSlot, 'date' | 'start'>): { zh: string; en: string } {
  const md = slot.date.slice(5);
  const morning = slot.start < '12:00';
  return { zh: `${md} ${morning ? '上午' : '下午'}`, en: `${md} ${morning ? 'morning' : 'afternoon'}` };
}

/** "预约时段：12-08 上午，非今日": the card's line for a booked slot; never a reason to refuse. */
export function bookedSlotNote(slot: Pick<TimeSlot, 'date' | 'start'>, today: string): { zh: string; en: string; today: boolean } {
  const label = slotLabel(slot);
  const isToday = slot.date === today;
  return {
    zh: `预约时段：${label.zh}${isToday ? '' : '，非今日'}`,
    en: `booked ${label.en}${isToday ? '' : ', not today'}`,
    today: isToday,
  };
}
