/**
 * File names for the day batch export, from a template the site manager picks. The names must
 * survive the trip to a school's Windows PC on a FAT32/exFAT USB drive, so the rules are those of
 * the strictest of them (Windows + FAT):
 * - the characters < > : " / \ | ? * and control characters become _ ;
 * - trailing dots and spaces are dropped (Windows drops them silently, so two names would meet);
 * - device names (CON, PRN, AUX, NUL, COM1–9, LPT1–9, with or without an extension) get a leading _ ;
 * - at most MAX_COMPONENT UTF-16 units per name (FAT's long names allow 255; the rest is left for the
 *   folder the school unpacks into, within Windows' 260-character paths);
 * - names are compared without case (FAT, exFAT and NTFS are case-insensitive), so 44…X.jpg and
 *   44…x.jpg collide; the second and later of colliding names get _2, _3, … in the order given.
 * A placeholder with no value for a student (no 学号 on a walk-in) never makes an empty or shared
 * name: that student's file is named 缺<field>_<order id prefix>, and the caller reports it.
 */

export const TEMPLATE_FIELDS = {
  身份证号: 'idNumber',
  学号: 'studentNo',
  考生号: 'examNo',
  学校编码: 'schoolCode',
  姓名: 'name',
  院系: 'department',
  专业: 'major',
  班级: 'className',
  任务代码: 'taskCode',
  订单号: 'orderId',
} as const;

export type TemplateField = (typeof TEMPLATE_FIELDS)[keyof typeof TEMPLATE_FIELDS];
export type TemplateValues = Partial<Record<TemplateField, string | null>>;

const FIELD_BY_NAME: ReadonlyMap<string, TemplateField> = new Map<string, TemplateField>([
  ...Object.entries(TEMPLATE_FIELDS),
  ...Object.values(TEMPLATE_FIELDS).map((f) => [f, f] as [string, TemplateField]),
]);

export const FIELD_LABELS: Record<TemplateField, { zh: string; en: string }> = {
  idNumber: { zh: '身份证号', en: 'ID number' },
  studentNo: { zh: '学号', en: 'student number' },
  examNo: { zh: '考生号', en: 'exam number' },
  schoolCode: { zh: '学校编码', en: 'school code' },
  name: { zh: '姓名', en: 'name' },
  department: { zh: '院系', en: 'department' },
  major: { zh: '专业', en: 'major' },
  className: { zh: '班级', en: 'class' },
  taskCode: { zh: '任务代码', en: 'task code' },
  orderId: { zh: '订单号', en: 'order id' },
};

/** Longest file or folder name written, in UTF-16 code units (what FAT and Windows count). */
export const MAX_COMPONENT = 120;

export type TemplatePart = { literal: string } | { field: TemplateField };

export interface ParsedTemplate {
  source: string;
  parts: TemplatePart[];
  fields: TemplateField[];
}

export class TemplateError extends Error {
  constructor(
    readonly zh: string,
    readonly en: string,
  ) {
    super(en);
    this.name = 'TemplateError';
  }
}

/** `{学校编码}_{学号}` (or with a trailing .jpg) → parts. Unknown fields, stray braces and a template
 * without any field (every student would get the same name) are refused. */
export function parseTemplate(template: string): ParsedTemplate {
  const source = template.trim().replace(/\.jpe?g$/i, '');
  const parts: TemplatePart[] = [];
  const fields: TemplateField[] = [];
  let i = 0;
  let literal = '';
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === '{') {
      const end = source.indexOf('}', i + 1);
      if (end < 0) throw new TemplateError(`模板缺少 }：${source}`, `The template lacks a closing }: ${source}`);
      const name = source.slice(i + 1, end).trim();
      const field = FIELD_BY_NAME.get(name);
      if (!field) {
        throw new TemplateError(
          `模板中没有这个字段：{${name}}（可用：${Object.keys(TEMPLATE_FIELDS).map((k) => `{${k}}`).join(' ')}）`,
          `Unknown template field {${name}} (known: ${Object.values(TEMPLATE_FIELDS).map((k) => `{${k}}`).join(' ')})`,
        );
      }
      if (literal) parts.push({ literal });
      literal = '';
      parts.push({ field });
      if (!fields.includes(field)) fields.push(field);
      i = end + 1;
    } else if (ch === '}') {
      throw new TemplateError(`模板中有多余的 }：${source}`, `Stray } in the template: ${source}`);
    } else {
      literal += ch;
      i++;
    }
  }
  if (literal) parts.push({ literal });
  if (fields.length === 0) {
    throw new TemplateError('模板至少要包含一个字段，例如 {学号}，否则所有照片同名', 'The template needs at least one field such as {studentNo}, or every photo gets the same name');
  }
  return { source, parts, fields };
}

const ILLEGAL = /[\u0000-\u001f\u007f<>:"/\\|?*]/g;
const DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

/** Cuts to at most `max` UTF-16 units without splitting a surrogate pair. */
function cutUnits(s: string, max: number): string {
  if (s.length <= max) return s;
  let out = s.slice(0, max);
  const last = out.charCodeAt(out.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) out = out.slice(0, -1);
  return out;
}

/** One file or folder name made safe for Windows and FAT. Never empty. */
export function safeComponent(raw: string, max = MAX_COMPONENT): string {
  let s = raw.normalize('NFC').replace(ILLEGAL, '_').trim();
  s = cutUnits(s, max).replace(/[. ]+$/, '');
  if (!s) s = '_';
  if (DEVICE.test(s)) s = cutUnits(`_${s}`, max);
  return s;
}

/** What the file systems consider the same name. */
export function collisionKey(path: string): string {
  return path.normalize('NFC').toUpperCase();
}

export interface NameRequest {
  values: TemplateValues;
  /** Folder under photos/ (院系 / 班级), already a raw value; null for none. */
  folder: string | null;
  /** A short stable id (the order id's first 8 characters) for a student with a missing field. */
  fallbackId: string;
}

export interface AssignedName {
  /** photos/-relative path with / separators: `[folder/]name.jpg`. */
  path: string;
  /** The base name before the extension and any collision suffix. */
  base: string;
  missing: TemplateField[];
  /** Another student's file had the same name (case-insensitively): this one got a suffix. */
  collided: boolean;
}

export const UNGROUPED_FOLDER = '未分组';

export function renderTemplate(t: ParsedTemplate, values: TemplateValues): { text: string; missing: TemplateField[] } {
  const missing: TemplateField[] = [];
  let text = '';
  for (const p of t.parts) {
    if ('literal' in p) {
      text += p.literal;
      continue;
    }
    const v = values[p.field]?.trim() ?? '';
    if (!v) missing.push(p.field);
    text += v;
  }
  return { text, missing };
}

/**
 * Names for every student, in the order given (callers sort first, so the same day always gets the
 * same names). Collisions are resolved per folder and case-insensitively; a suffixed name that
 * itself exists is skipped over, so no two files ever meet.
 */
export function assignNames(t: ParsedTemplate, requests: readonly NameRequest[], ext = '.jpg'): AssignedName[] {
  const taken = new Set<string>();
  const out: AssignedName[] = [];
  // Reserve every unsuffixed name first: a student whose own name is "X_2" keeps it even when two
  // students named "X" come before them.
  const planned = requests.map((r) => {
    const { text, missing } = renderTemplate(t, r.values);
    const base = missing.length > 0 ? `缺${missing.map((f) => FIELD_LABELS[f].zh).join('')}_${r.fallbackId}` : text;
    const folder = r.folder === null ? null : safeComponent(r.folder.trim() || UNGROUPED_FOLDER);
    const safeBase = safeComponent(base, MAX_COMPONENT - ext.length - 4);
    return { folder, base: safeBase, missing };
  });
  const firstClaims = new Map<string, number>();
  planned.forEach((p, i) => {
    const key = collisionKey(join(p.folder, p.base + ext));
    if (!firstClaims.has(key)) firstClaims.set(key, i);
  });
  for (const key of firstClaims.keys()) taken.add(key);
  planned.forEach((p, i) => {
    const plain = join(p.folder, p.base + ext);
    if (firstClaims.get(collisionKey(plain)) === i) {
      out.push({ path: plain, base: p.base, missing: p.missing, collided: false });
      return;
    }
    for (let n = 2; ; n++) {
      const candidate = join(p.folder, `${p.base}_${n}${ext}`);
      const key = collisionKey(candidate);
      if (taken.has(key)) continue;
      taken.add(key);
      out.push({ path: candidate, base: p.base, missing: p.missing, collided: true });
      return;
    }
  });
  return out;
}

function join(folder: string | null, name: string): string {
  return folder === null ? name : `${folder}/${name}`;
}

/** The export's own folder name: task, dates and the time it was made, safe everywhere. */
export function exportFolderName(taskCode: string, from: string, to: string, at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const time = `${pad(at.getHours())}${pad(at.getMinutes())}${pad(at.getSeconds())}`;
  return safeComponent(`${taskCode}_${from}${to !== from ? `_${to}` : ''}_${time}`);
}

/** ID numbers inside file names or messages shown on screen (DESIGN §10: masked on screen):
 * 440106200001011234 → 4401**********1234. The files themselves keep them, as the school asked. */
export function maskIdNumbersIn(text: string): string {
  return text.replace(/(?<![0-9])\d{17}[\dXx](?![0-9A-Za-z])/g, (m) => `${m.slice(0, 4)}${'*'.repeat(10)}${m.slice(-4)}`);
}
