/**
 * What the photographer is told about the tethered camera, in plain words (zh + en), one entry per
 * situation the station detects. `severity` says whether the station is still usable as it is
 * (info: something happened and was dealt with; warn: working around it; error: shooting is blocked
 * until a person acts).
 */
export type DslrFaultCode =
  | 'absent'
  | 'disconnected'
  | 'claimed'
  | 'busy'
  | 'store-full'
  | 'store-low'
  | 'liveview-unsupported'
  | 'liveview-refused'
  | 'liveview-ended'
  | 'liveview-stalled'
  | 'liveview-garbage'
  | 'capture-timeout'
  | 'capture-failed'
  | 'body-released'
  | 'body-lock-unknown'
  | 'recovered-shot'
  | 'not-gphoto2';

export interface DslrFault {
  code: DslrFaultCode;
  severity: 'info' | 'warn' | 'error';
  zh: string;
  en: string;
  /** ISO time it was seen. */
  at: string;
}

const TEXT: Record<DslrFaultCode, { severity: DslrFault['severity']; zh: string; en: string }> = {
  absent: { severity: 'error', zh: '没有找到相机：请用 USB 线连接相机并开机', en: 'No camera found: connect it by USB and switch it on' },
  disconnected: {
    severity: 'error',
    zh: '相机连接断开（USB 线松动或相机自动关机）：请检查线和电源，接回后会自动恢复；已拍的照片不会丢失',
    en: 'The camera dropped off USB (loose cable or it powered down): check the cable and power; the station picks it up again by itself and no shot is lost',
  },
  claimed: {
    severity: 'warn',
    zh: '相机被其他程序占用（常见为桌面的照片导入服务 gvfs-gphoto2）：请关闭该程序，正在重试',
    en: 'Another program holds the camera (often the desktop photo import, gvfs-gphoto2): close it; retrying',
  },
  busy: { severity: 'info', zh: '相机忙（正在写卡），稍后自动重试', en: 'The camera is busy (still writing the card); retrying' },
  'store-full': {
    severity: 'error',
    zh: '相机存储卡已满：请换卡或清理卡上照片；也可在相机设置中把“照片保存位置”改为“工作站”',
    en: 'The camera card is full: swap or clear the card, or set "save photos to" to the station in the camera settings',
  },
  'store-low': { severity: 'warn', zh: '相机存储卡快满了：只剩约 {n} 张', en: 'The camera card is almost full: about {n} shots left' },
  'liveview-unsupported': {
    severity: 'warn',
    zh: '这台相机不支持联机实时取景：请看相机取景器构图，拍摄和照片检查照常进行',
    en: 'This camera has no live view over USB: frame through its viewfinder; shooting and checks work as usual',
  },
  'liveview-refused': {
    severity: 'warn',
    zh: '相机拒绝开启实时取景（{detail}）：请把模式拨盘转到 P/A/S/M 并检查存储卡，稍后自动重试',
    en: 'The camera refused live view ({detail}): set the mode dial to P/A/S/M and check the card; retrying shortly',
  },
  'liveview-ended': {
    severity: 'info',
    zh: '相机的实时取景自己结束了（机身计时，约 30 分钟），已重新开启',
    en: 'The camera ended live view by itself (its timer, about 30 minutes); restarted',
  },
  'liveview-stalled': { severity: 'info', zh: '实时取景没有画面了，已重新开启', en: 'Live view stopped sending pictures; restarted' },
  'liveview-garbage': { severity: 'info', zh: '实时取景数据无法识别，已重新开启', en: 'Live view sent data that is no picture; restarted' },
  'capture-timeout': {
    severity: 'warn',
    zh: '相机没有响应拍摄：请检查相机是否对焦成功、是否处于拍摄模式，然后再按一次快门',
    en: 'The camera did not respond to the shutter: check focus and shooting mode, then press the shutter again',
  },
  'capture-failed': { severity: 'warn', zh: '拍摄失败（{detail}）：请再按一次快门', en: 'The shot failed ({detail}): press the shutter again' },
  'body-released': {
    severity: 'info',
    zh: '上一次联机没有正常结束，相机机身被锁定；已解除锁定，机身快门可以使用',
    en: 'The last tether session did not end cleanly and left the camera body locked; unlocked, its shutter button works again',
  },
  'body-lock-unknown': {
    severity: 'warn',
    zh: '联机时相机机身快门可能被锁定：请用工作站的拍摄按钮（或脚踏开关），或关开一次相机',
    en: 'The camera body button may be locked while tethered: use the station shutter (or foot pedal), or switch the camera off and on',
  },
  'recovered-shot': {
    severity: 'info',
    zh: '断线前拍下的照片已从相机存储卡取回',
    en: 'The shot taken before the camera dropped off was fetched from its card',
  },
  'not-gphoto2': {
    severity: 'error',
    zh: '没有找到 gphoto2 命令：请安装 Debian 软件包 gphoto2（macOS / Windows 请改用热文件夹方式）',
    en: 'The gphoto2 command is missing: install the Debian package gphoto2 (on macOS / Windows use the hot folder instead)',
  },
};

export function dslrFault(code: DslrFaultCode, at: Date, values: { detail?: string; n?: number } = {}): DslrFault {
  const t = TEXT[code];
  const fill = (s: string) => s.replace('{detail}', values.detail ?? '?').replace('{n}', String(values.n ?? '?'));
  return { code, severity: t.severity, zh: fill(t.zh), en: fill(t.en), at: at.toISOString() };
}
