import type { CheckId } from '../spec/specProfile.js';

/** Short names of the checks, for charts, the manifest and the report (the student-facing
 * instructions are in vision/checkMessages.ts). */
export const CHECK_LABELS: Record<CheckId, { zh: string; en: string }> = {
  'face.count': { zh: '单人入镜', en: 'One face' },
  'face.in_frame': { zh: '头肩完整', en: 'Head in frame' },
  'face.centered': { zh: '面部居中', en: 'Face centred' },
  'head.size': { zh: '头部大小', en: 'Head size' },
  'pose.roll': { zh: '头部歪斜', en: 'Head roll' },
  'pose.yaw': { zh: '左右转头', en: 'Head yaw' },
  'pose.pitch': { zh: '抬头低头', en: 'Head pitch' },
  'eyes.open': { zh: '睁眼', en: 'Eyes open' },
  'mouth.closed': { zh: '嘴巴闭合', en: 'Mouth closed' },
  'light.uniform': { zh: '光照均匀', en: 'Even light' },
  exposure: { zh: '曝光', en: 'Exposure' },
  sharpness: { zh: '清晰度', en: 'Sharpness' },
  'background.uniform': { zh: '背景均匀', en: 'Plain background' },
  'clothing.contrast': { zh: '服装与背景', en: 'Clothing contrast' },
  'glasses.glare': { zh: '眼镜反光', en: 'Glasses glare' },
  'extra.objects': { zh: '多余物体', en: 'Extra objects' },
  'shoulders.level': { zh: '双肩平衡', en: 'Shoulders level' },
  'ears.symmetric': { zh: '双耳对称', en: 'Ears symmetric' },
  'hair.covers_brows': { zh: '头发遮挡眉毛', en: 'Hair over brows' },
  'eyes.red': { zh: '红眼', en: 'Red eye' },
  'glasses.tinted': { zh: '有色眼镜/美瞳', en: 'Tinted lenses' },
  'clothing.pattern': { zh: '服装图案', en: 'Clothing pattern' },
  headwear: { zh: '帽子/高发髻', en: 'Headwear' },
  jewellery: { zh: '饰品', en: 'Jewellery' },
  'finish.background': { zh: '成品背景', en: 'Finished background' },
};

export function checkLabel(id: string, lang: 'zh' | 'en'): string {
  return (CHECK_LABELS as Record<string, { zh: string; en: string }>)[id]?.[lang] ?? id;
}

export const VERDICT_LABELS = {
  pass: { zh: '通过', en: 'pass' },
  warn: { zh: '警告', en: 'warning' },
  fail: { zh: '未通过', en: 'fail' },
} as const;

export const SYNC_STATE_LABELS = {
  pending: { zh: '待同步', en: 'pending' },
  synced: { zh: '已同步', en: 'synced' },
  failed: { zh: '同步失败', en: 'failed' },
} as const;

type Text = { zh: string; en: string };

/** Everything the day report says, in both languages: the same view renders on screen (in the
 * operator's language) and into the PDF (Chinese, English beneath), so it cannot use i18next. */
export const REPORT_TEXT = {
  title: { zh: '采集日报', en: 'Day report' },
  task: { zh: '任务', en: 'Task' },
  school: { zh: '学校', en: 'School' },
  site: { zh: '地点', en: 'Site' },
  station: { zh: '采集站', en: 'Station' },
  dates: { zh: '日期', en: 'Dates' },
  generated: { zh: '生成时间', en: 'Generated' },
  totalsTitle: { zh: '到场与采集', en: 'Attendance and capture' },
  expected: { zh: '预约', en: 'Reserved' },
  checkedIn: { zh: '签到', en: 'Checked in' },
  captured: { zh: '已采集', en: 'Captured' },
  notCaptured: { zh: '签到未采集', en: 'Not captured' },
  noShow: { zh: '未到', en: 'No-shows' },
  walkins: { zh: '无预约签到', en: 'Without reservation' },
  otherStation: { zh: '在其他站', en: 'At other stations' },
  void: { zh: '已作废', en: 'Void' },
  hourlyTitle: { zh: '每小时采集人数（按采集站）', en: 'Students per hour, per station' },
  hourlyCheckedIn: { zh: '签到', en: 'checked in' },
  hourlyCaptured: { zh: '采集', en: 'captured' },
  hour: { zh: '时', en: 'h' },
  failedTitle: { zh: '未通过的检查（按原因）', en: 'Failed checks by reason' },
  failedShots: { zh: '未通过的拍摄', en: 'failed shots' },
  overridden: { zh: '填写原因后采用', en: 'accepted with a reason' },
  noFailures: { zh: '没有未通过的检查', en: 'No failed checks' },
  shotsTitle: { zh: '拍摄', en: 'Shots' },
  shotsTotal: { zh: '拍摄张数', en: 'Shots taken' },
  shotsPerAccepted: { zh: '每人平均拍摄', en: 'Shots per student' },
  acceptedAfterRetry: { zh: '多次拍摄才采用', en: 'Needed more than one shot' },
  faceTitle: { zh: '人脸比对结果与人工确认', en: 'Face match outcomes and overrides' },
  faceOverrides: { zh: '比对未通过、人工确认身份后采用', en: 'Identity confirmed by hand despite the comparison' },
  retakesTitle: { zh: '重拍', en: 'Retakes' },
  retakesPending: { zh: '待重拍（本任务）', en: 'Pending (whole task)' },
  rejectedInRange: { zh: '当日被驳回', en: 'Rejected in range' },
  retakenInRange: { zh: '当日重拍完成', en: 'Retaken in range' },
  syncTitle: { zh: '同步积压', en: 'Sync backlog' },
  backlogJobs: { zh: '待上传任务', en: 'Jobs waiting' },
  backlogBytes: { zh: '待上传数据', en: 'Bytes waiting' },
  parkedJobs: { zh: '搁置（需处理）', en: 'Parked (need attention)' },
  oldestQueued: { zh: '最早排队于', en: 'Oldest queued at' },
  ordersSynced: { zh: '当日订单已同步', en: "Range's orders synced" },
  ordersPending: { zh: '待同步', en: 'pending' },
  ordersFailed: { zh: '同步失败', en: 'failed' },
  operatorsTitle: { zh: '摄影师', en: 'Photographers' },
  versionsTitle: { zh: '本站运行的软件版本', en: 'App versions this station ran' },
  version: { zh: '版本', en: 'Version' },
  firstSeen: { zh: '最早运行', en: 'First seen' },
  lastSeen: { zh: '最后运行', en: 'Last seen' },
  starts: { zh: '启动次数', en: 'Starts' },
  noVersions: { zh: '没有运行记录', en: 'No record of the app running' },
  none: { zh: '无', en: 'none' },
} satisfies Record<string, Text>;

export type ReportTextKey = keyof typeof REPORT_TEXT;

export const FACE_DECISION_LABELS = {
  比对通过: { zh: '比对通过', en: 'Match' },
  比对不通过: { zh: '比对不通过', en: 'No match' },
  需人工确认: { zh: '需人工确认', en: 'Needs a person' },
  未比对: { zh: '未比对', en: 'Not compared' },
} as const;
