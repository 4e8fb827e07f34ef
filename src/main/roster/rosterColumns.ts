/** Roster headers as schools actually write them. Matching ignores spaces, brackets, slashes and
 * case, so "身份证号码", "身份证号（18位）" and "ID Number" all land on idNumber. */
import type { RosterField } from '../../shared/domain/rosterFields.js';

export type { RosterField };

export const ROSTER_FIELDS: Record<RosterField, readonly string[]> = {
  name: ['姓名', '学生姓名', '考生姓名', 'name'],
  gender: ['性别', 'gender', 'sex'],
  idNumber: ['身份证号', '身份证号码', '身份证', '证件号码', '证件号', '公民身份号码', 'idnumber', 'idno', 'idcard'],
  studentNo: ['学号', '学生学号', 'studentno', 'studentnumber', 'studentid'],
  examNo: ['考生号', '高考考生号', '考生编号', 'examno', 'examnumber', 'candidateno'],
  schoolName: ['学校', '学校名称', '院校', '院校名称', 'school', 'schoolname'],
  schoolCode: ['学校编码', '学校代码', '院校代码', '院校编码', 'schoolcode'],
  department: ['院系专业', '院系', '学院', '系别', 'department', 'faculty'],
  major: ['专业', '专业名称', 'major'],
  eduLevel: ['学历层次', '层次', '培养层次', 'level', 'edulevel', 'degreelevel'],
  eduCategory: ['学历类别', '类别', '学习形式', 'category', 'educategory'],
  className: ['班级', '班级名称', 'class', 'classname'],
  xuexinCode: ['采集码', '图像采集码', '学信网采集码', 'xuexincode'],
  featureCode: ['特征码', 'featurecode'],
};
export const REQUIRED_FIELDS: readonly RosterField[] = ['name', 'idNumber'];

export const FIELD_LABELS: Record<RosterField, { zh: string; en: string }> = {
  name: { zh: '姓名', en: 'name' },
  gender: { zh: '性别', en: 'gender' },
  idNumber: { zh: '身份证号', en: 'ID number' },
  studentNo: { zh: '学号', en: 'student number' },
  examNo: { zh: '考生号', en: 'exam number' },
  schoolName: { zh: '学校', en: 'school' },
  schoolCode: { zh: '学校编码', en: 'school code' },
  department: { zh: '院系/专业', en: 'department' },
  major: { zh: '专业', en: 'major' },
  eduLevel: { zh: '学历层次', en: 'education level' },
  eduCategory: { zh: '学历类别', en: 'education category' },
  className: { zh: '班级', en: 'class' },
  xuexinCode: { zh: '采集码', en: 'CHSI capture code' },
  featureCode: { zh: '特征码', en: 'feature code' },
};

export function normaliseHeader(h: string): string {
  return h
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_\-/\\()（）【】[\]:：*]/g, '')
    .replace(/[（(].*$/, '');
}

const LOOKUP = new Map<string, RosterField>();
for (const [field, names] of Object.entries(ROSTER_FIELDS) as [RosterField, readonly string[]][]) {
  for (const n of names) LOOKUP.set(normaliseHeader(n), field);
}

/** Exact synonym first; then a header that starts with a synonym ("身份证号18位"). */
export function matchHeader(h: string): RosterField | undefined {
  const n = normaliseHeader(h);
  if (!n) return undefined;
  const exact = LOOKUP.get(n);
  if (exact) return exact;
  let best: { field: RosterField; len: number } | undefined;
  for (const [syn, field] of LOOKUP) {
    if (syn.length >= 2 && n.startsWith(syn) && (!best || syn.length > best.len)) best = { field, len: syn.length };
  }
  return best?.field;
}
