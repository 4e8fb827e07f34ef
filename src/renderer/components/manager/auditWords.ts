import { checkLabel, VERDICT_LABELS } from '../../../shared/report/reportLabels.js';
import { formatBytes } from '../../format/bytes.js';
import type { Language } from '../../i18n/language.js';

type Text = { zh: string; en: string };

/** Every action the station writes to the audit log, as a site manager would say it. */
export const AUDIT_ACTIONS: Record<string, Text> = {
  'auth.login': { zh: '登录', en: 'Logged in' },
  'auth.logout': { zh: '退出登录', en: 'Logged out' },
  'auth.locked': { zh: '连续输错 PIN，本站锁定', en: 'Station locked after wrong PINs' },
  'auth.lock_override': { zh: '负责人解除锁定并登录', en: 'Manager lifted the lock and logged in' },
  'auth.lock_override_failed': { zh: '解除锁定未成功', en: 'Attempt to lift the lock failed' },
  'auth.unlock': { zh: '负责人解除锁定', en: 'Manager lifted the lock' },
  'audit.view': { zh: '查看审计日志', en: 'Read the audit log' },
  'checkin.confirm': { zh: '确认签到', en: 'Checked in' },
  'checkin.override': { zh: '预约已取消，仍签到', en: 'Checked in despite a cancelled reservation' },
  'walkin.register': { zh: '现场登记', en: 'Registered a walk-in' },
  'student.correct': { zh: '更正学生信息', en: 'Corrected student details' },
  'capture.accept': { zh: '采用照片', en: 'Accepted a photo' },
  'check.override': { zh: '放行未通过项', en: 'Let a failed check through' },
  'face_match.override': { zh: '比对未通过，核对身份后放行', en: 'Identity confirmed by hand after face match' },
  'capture.student_confirmed': { zh: '学生在学生屏幕上确认照片', en: 'The student confirmed the photo on their screen' },
  'capture.assignHeld': { zh: '待分配照片指定给学生', en: 'Assigned a held shot to a student' },
  'capture.discardHeld': { zh: '丢弃待分配照片', en: 'Discarded a held shot' },
  'order.void': { zh: '作废订单', en: 'Voided an order' },
  'settings.cameraPreset': { zh: '保存相机预设', en: 'Saved a camera preset' },
  'settings.cameraPresetApplied': { zh: '应用相机预设', en: 'Applied a camera preset' },
  'settings.cameraSetting': { zh: '更改相机参数', en: 'Changed a camera setting' },
  'order.withdraw': { zh: '撤回审核', en: 'Withdrew an order from review' },
  'print.submit': { zh: '打印', en: 'Printed' },
  'print.retry': { zh: '重新打印', en: 'Printed again' },
  'print.cancel': { zh: '取消打印', en: 'Cancelled a print' },
  'print.order_prints': { zh: '记录学生加洗', en: 'Recorded extra prints' },
  'export.run': { zh: '导出当日批次', en: 'Exported the day batch' },
  'export.cancel': { zh: '取消导出', en: 'Cancelled an export' },
  'report.pdf': { zh: '保存日报 PDF', en: 'Saved the day report PDF' },
  'reconcile.requeue': { zh: '核对后重新上传', en: 'Re-sent after reconciliation' },
  'roster.import': { zh: '导入名单', en: 'Imported a roster' },
  'admission_photos.import': { zh: '导入录取照片', en: 'Imported admission photos' },
  'settings.camera': { zh: '更改相机设置', en: 'Changed the camera' },
  'settings.idle_lock': { zh: '更改自动锁屏时间', en: 'Changed the idle lock' },
  'sync.enrol': { zh: '登记到中心服务器', en: 'Enrolled with the central server' },
  'sync.retry_parked': { zh: '重试同步失败项', en: 'Retried failed sync items' },
  'updates.install': { zh: '负责人安装更新', en: 'Manager installed an update' },
  'updates.install_failed': { zh: '更新未能开始安装', en: 'An update did not start installing' },
};

/** What a manager looks for, each one stored action prefix. */
export const AUDIT_FILTERS: ReadonlyArray<{ prefix: string; label: Text }> = [
  { prefix: 'check.', label: { zh: '放行未通过项', en: 'Failed checks let through' } },
  { prefix: 'face_match.', label: { zh: '身份人工核对', en: 'Identity confirmed by hand' } },
  { prefix: 'student.', label: { zh: '学生信息更正', en: 'Student corrections' } },
  { prefix: 'walkin.', label: { zh: '现场登记', en: 'Walk-ins' } },
  { prefix: 'checkin.', label: { zh: '签到', en: 'Check-ins' } },
  { prefix: 'order.', label: { zh: '作废与撤回审核', en: 'Voids and withdrawals' } },
  { prefix: 'capture.', label: { zh: '采用与分配照片', en: 'Photos accepted or assigned' } },
  { prefix: 'export.', label: { zh: '导出', en: 'Exports' } },
  { prefix: 'report.', label: { zh: '日报', en: 'Day reports' } },
  { prefix: 'print.', label: { zh: '打印', en: 'Printing' } },
  { prefix: 'auth.', label: { zh: '登录与锁定', en: 'Logins and locks' } },
  { prefix: 'settings.', label: { zh: '设置更改', en: 'Settings changes' } },
  { prefix: 'roster.', label: { zh: '名单导入', en: 'Roster imports' } },
  { prefix: 'admission_photos.', label: { zh: '录取照片导入', en: 'Admission photo imports' } },
  { prefix: 'sync.', label: { zh: '同步', en: 'Sync' } },
  { prefix: 'reconcile.', label: { zh: '对账', en: 'Reconciliation' } },
  { prefix: 'audit.', label: { zh: '查看审计日志', en: 'Audit log reads' } },
  { prefix: 'updates.', label: { zh: '软件更新', en: 'App updates' } },
];

export function inLang(text: Text, lang: Language): string {
  return lang === 'en' ? text.en : text.zh;
}

export function actionWords(action: string, lang: Language): string {
  const text = AUDIT_ACTIONS[action];
  return text ? inLang(text, lang) : action;
}

const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

const WALKIN_REASONS: Record<string, Text> = {
  no_reservation: { zh: '没有预约', en: 'no reservation' },
  no_id_card: { zh: '未带身份证', en: 'no ID card' },
  not_in_roster: { zh: '名单中没有', en: 'not on the roster' },
  pending_identification: { zh: '采集码待识别', en: 'code to identify' },
};
const PRINT_KINDS: Record<string, Text> = { sheet: { zh: '照片版式', en: 'photo sheet' }, receipt: { zh: '回执小票', en: 'receipt' } };
const CAMERA_KINDS: Record<string, Text> = {
  uvc: { zh: '摄像头', en: 'webcam' },
  hotfolder: { zh: '热文件夹', en: 'hot folder' },
  gphoto2: { zh: '单反联机', en: 'tethered DSLR' },
  simulated: { zh: '模拟相机', en: 'simulated camera' },
};
const pick = (table: Record<string, Text>, v: unknown, lang: Language): string | null => {
  const s = str(v);
  const text = s ? table[s] : undefined;
  return text ? inLang(text, lang) : s;
};

/**
 * An entry's details in a sentence for people. Ids (captures, jobs, exports) are left out: they
 * are for support, who read the stored record itself.
 */
export function detailWords(action: string, d: Record<string, unknown> | null, lang: Language): string {
  if (!d) return '';
  const zh = lang !== 'en';
  const parts: string[] = [];
  const add = (zhText: string | null, enText: string | null) => {
    const text = zh ? zhText : enText;
    if (text) parts.push(text);
  };
  const checkId = str(d.checkId);
  if (checkId) add(`检查项：${checkLabel(checkId, 'zh')}`, `check: ${checkLabel(checkId, 'en')}`);
  const verdict = str(d.verdict) as keyof typeof VERDICT_LABELS | null;
  if (verdict && VERDICT_LABELS[verdict]) add(`检查结果：${VERDICT_LABELS[verdict].zh}`, `checks: ${VERDICT_LABELS[verdict].en}`);
  if (str(d.faceMatch)) add(`录取照片比对：${String(d.faceMatch)}`, `face match: ${String(d.faceMatch)}`);
  if (action.startsWith('order.') && str(d.from)) add(`原状态：${String(d.from)}`, `was ${String(d.from)}`);
  else if (action === 'settings.idle_lock') add(`${num(d.from) ?? '—'} → ${num(d.to) ?? '—'} 分钟`, `${num(d.from) ?? '—'} → ${num(d.to) ?? '—'} min`);
  else if (str(d.from) && str(d.to)) add(`${String(d.from)} 至 ${String(d.to)}`, `${String(d.from)} to ${String(d.to)}`);
  if (num(d.students) !== null) add(`${num(d.students)} 名学生`, `${num(d.students)} students`);
  if (num(d.photos) !== null) add(`${num(d.photos)} 张照片`, `${num(d.photos)} photos`);
  if (str(d.path)) add(`保存到 ${String(d.path)}`, `saved to ${String(d.path)}`);
  if (str(d.folder)) add(`保存到 ${String(d.folder)}`, `saved to ${String(d.folder)}`);
  if (str(d.destination)) add(`保存到 ${String(d.destination)}`, `saved to ${String(d.destination)}`);
  if (num(d.bytes) !== null) add(formatBytes(num(d.bytes)!), formatBytes(num(d.bytes)!));
  if (str(d.fileName)) add(`文件 ${String(d.fileName)}`, `file ${String(d.fileName)}`);
  if (num(d.totalRows) !== null)
    add(`共 ${num(d.totalRows)} 行：新增 ${num(d.imported) ?? 0}，更新 ${num(d.updated) ?? 0}，退回 ${num(d.rejected) ?? 0}`, `${num(d.totalRows)} rows: ${num(d.imported) ?? 0} new, ${num(d.updated) ?? 0} updated, ${num(d.rejected) ?? 0} refused`);
  else if (num(d.files) !== null)
    add(`${num(d.files)} 个文件：导入 ${num(d.imported) ?? 0}，未变 ${num(d.unchanged) ?? 0}，无对应学生 ${num(d.unknown) ?? 0}，失败 ${num(d.failed) ?? 0}`, `${num(d.files)} files: ${num(d.imported) ?? 0} imported, ${num(d.unchanged) ?? 0} unchanged, ${num(d.unknown) ?? 0} matched nobody, ${num(d.failed) ?? 0} failed`);
  const walkin = pick(WALKIN_REASONS, d.walkinReason, lang);
  if (walkin) add(`原因：${walkin}`, `reason: ${walkin}`);
  if (Array.isArray(d.fields)) add(`更正：${d.fields.join('、')}`, `fields: ${d.fields.join(', ')}`);
  if (action.startsWith('print.')) {
    const kind = pick(PRINT_KINDS, d.kind, lang);
    if (kind) parts.push(kind);
    if (str(d.printer)) add(`打印机 ${String(d.printer)}`, `printer ${String(d.printer)}`);
    if (num(d.copies) !== null) add(`${num(d.copies)} 份`, `${num(d.copies)} copies`);
    if (num(d.attempt) !== null) add(`第 ${num(d.attempt)} 次`, `attempt ${num(d.attempt)}`);
  }
  if (action === 'settings.camera') {
    const kind = pick(CAMERA_KINDS, d.kind, lang);
    if (kind) parts.push(kind);
    if (str(d.hotFolder)) add(`热文件夹 ${String(d.hotFolder)}`, `hot folder ${String(d.hotFolder)}`);
  }
  if (num(d.orders) !== null) add(`${num(d.orders)} 个订单`, `${num(d.orders)} orders`);
  if (num(d.jobs) !== null && action !== 'reconcile.requeue') add(`${num(d.jobs)} 项`, `${num(d.jobs)} items`);
  if (num(d.failures) !== null) add(`连续输错 ${num(d.failures)} 次`, `${num(d.failures)} wrong PINs`);
  if (num(d.tries) !== null) add(`尝试 ${num(d.tries)} 次`, `${num(d.tries)} tries`);
  if (str(d.until)) add(`锁定至 ${localStamp(String(d.until))}`, `locked until ${localStamp(String(d.until))}`);
  if (str(d.serverUrl)) add(`服务器 ${String(d.serverUrl)}`, `server ${String(d.serverUrl)}`);
  if (action === 'audit.view' && str(d.filter)) {
    const f = AUDIT_FILTERS.find((x) => x.prefix === d.filter);
    add(`筛选：${f?.label.zh ?? String(d.filter)}`, `filter: ${f?.label.en ?? String(d.filter)}`);
  }
  if (action.startsWith('updates.') && str(d.version)) {
    add(`版本 ${str(d.running) ?? '—'} → ${String(d.version)}`, `version ${str(d.running) ?? '—'} → ${String(d.version)}`);
    if (str(d.channel)) add(d.channel === 'pilot' ? '试点渠道' : '正式渠道', `${String(d.channel)} channel`);
    if (str(d.why)) add(`原因：${String(d.why)}`, `why: ${String(d.why)}`);
  }
  if (d.override === true) add('负责人解锁后登录', 'after a manager override');
  // Who, by role: some rights are the task's to give a photographer (src/shared/domain/taskRights.ts).
  if (d.role === 'photographer') add('由摄影师操作', 'by a photographer');
  else if (d.role === 'manager') add('由站点负责人操作', 'by the site manager');
  return parts.join(zh ? '；' : '; ');
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Local wall-clock time, as on the station's own clock: 2026-12-07 21:24:47. */
export function localStamp(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
