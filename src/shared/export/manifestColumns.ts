/**
 * The export manifest (manifest.csv and the 名单 sheet of manifest.xlsx): one row per student of
 * the day. Headers are Chinese, as the school reads them; the keys are stable for programs, and the
 * README lists both. Add columns at the end, never rename or reorder.
 */

export const MANIFEST_COLUMNS = [
  { key: 'seq', zh: '序号', en: 'No.', width: 6 },
  { key: 'category', zh: '类别', en: 'Category', width: 12 },
  { key: 'name', zh: '姓名', en: 'Name', width: 10 },
  { key: 'gender', zh: '性别', en: 'Gender', width: 6 },
  { key: 'idNumber', zh: '身份证号', en: 'ID number', width: 21, text: true },
  { key: 'studentNo', zh: '学号', en: 'Student number', width: 14, text: true },
  { key: 'examNo', zh: '考生号', en: 'Exam number', width: 16, text: true },
  { key: 'schoolName', zh: '学校名称', en: 'School', width: 14 },
  { key: 'schoolCode', zh: '学校编码', en: 'School code', width: 10, text: true },
  { key: 'department', zh: '院系', en: 'Department', width: 16 },
  { key: 'major', zh: '专业', en: 'Major', width: 16 },
  { key: 'className', zh: '班级', en: 'Class', width: 12 },
  { key: 'eduLevel', zh: '学历层次', en: 'Level', width: 8 },
  { key: 'reservation', zh: '预约时段', en: 'Reserved slot', width: 22 },
  { key: 'orderId', zh: '订单号', en: 'Order id', width: 38, text: true },
  { key: 'orderStatus', zh: '订单状态', en: 'Order status', width: 10 },
  { key: 'syncState', zh: '同步状态', en: 'Sync state', width: 10 },
  { key: 'verdict', zh: '检查结论', en: 'Check verdict', width: 10 },
  { key: 'failedChecks', zh: '未通过检查项', en: 'Failed checks', width: 22 },
  { key: 'checkOverrides', zh: '放行原因', en: 'Check overrides', width: 30 },
  { key: 'faceMatch', zh: '人脸比对', en: 'Face match', width: 12 },
  { key: 'faceMatchScore', zh: '比对分数', en: 'Face match score', width: 9 },
  { key: 'faceMatchOverride', zh: '身份确认原因', en: 'Identity confirmed because', width: 24 },
  { key: 'station', zh: '采集站', en: 'Station', width: 16 },
  { key: 'operator', zh: '摄影师', en: 'Operator', width: 10 },
  { key: 'checkedInAt', zh: '签到时间', en: 'Checked in', width: 20 },
  { key: 'capturedAt', zh: '采集时间', en: 'Captured', width: 20 },
  { key: 'file', zh: '照片文件', en: 'Photo file', width: 30 },
  { key: 'sha256', zh: '照片SHA-256', en: 'Photo SHA-256', width: 66, text: true },
  { key: 'originalFile', zh: '原片文件', en: 'Original file', width: 30 },
  { key: 'originalSha256', zh: '原片SHA-256', en: 'Original SHA-256', width: 66, text: true },
  { key: 'note', zh: '备注', en: 'Note', width: 30 },
] as const;

export type ManifestKey = (typeof MANIFEST_COLUMNS)[number]['key'];
export type ManifestRow = Record<ManifestKey, string>;

/** The 类别 column: what happened to the student that day. */
export const MANIFEST_CATEGORIES = {
  captured: { zh: '已采集', en: 'captured' },
  retake: { zh: '待重拍', en: 'retake pending' },
  notCaptured: { zh: '已签到未采集', en: 'checked in, not captured' },
  noShow: { zh: '未到', en: 'no-show' },
  otherStation: { zh: '其他采集站', en: 'at another station' },
  void: { zh: '已作废', en: 'void' },
} as const;
export type ManifestCategory = keyof typeof MANIFEST_CATEGORIES;

/** One CSV field (RFC 4180). A cell a spreadsheet would run as a formula (=, +, -, @, tab, CR at
 * the start: a typed override reason could be one) is prefixed with ' so Excel shows it as text;
 * plain numbers (a negative score) are left alone. */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) && !/^[+-]?\d+(\.\d+)?$/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** manifest.csv: UTF-8 with a byte-order mark (so Excel reads the Chinese right), CRLF lines. */
export function manifestCsv(rows: readonly ManifestRow[]): string {
  const lines = [MANIFEST_COLUMNS.map((c) => csvField(c.zh)).join(',')];
  for (const r of rows) lines.push(MANIFEST_COLUMNS.map((c) => csvField(r[c.key])).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
