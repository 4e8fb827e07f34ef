import type { PrinterProblem } from './printTypes.js';

/**
 * printer-state-reasons (RFC 8011 §5.4.12, PWG 5100.9) in words a photographer acts on. A reason
 * arrives with a severity suffix (-error, -warning, -report); without one it counts as an error.
 */
const KNOWN: Record<string, { zh: string; en: string; warning?: boolean }> = {
  'media-empty': { zh: '打印机缺纸，请装纸', en: 'The printer is out of paper: load paper' },
  'media-needed': { zh: '打印机需要装纸', en: 'The printer needs paper: load paper' },
  'media-jam': { zh: '打印机卡纸，请取出卡住的纸', en: 'Paper jam: clear the jammed paper' },
  'media-low': { zh: '纸快用完了', en: 'Paper is running low', warning: true },
  'toner-empty': { zh: '墨粉已用完', en: 'The toner is used up' },
  'toner-low': { zh: '墨粉不足', en: 'Toner is low', warning: true },
  'marker-supply-empty': { zh: '墨水或色带已用完', en: 'Ink or ribbon is used up' },
  'marker-supply-low': { zh: '墨水或色带不足', en: 'Ink or ribbon is low', warning: true },
  'marker-waste-full': { zh: '废墨仓已满', en: 'The waste ink tank is full' },
  'door-open': { zh: '打印机舱门开着，请关好', en: 'A printer door is open: close it' },
  'cover-open': { zh: '打印机盖开着，请关好', en: 'The printer cover is open: close it' },
  'input-tray-missing': { zh: '纸盒没有装好', en: 'The paper tray is missing' },
  'output-area-full': { zh: '出纸盘已满，请取走照片', en: 'The output tray is full: take the prints out' },
  'output-tray-missing': { zh: '出纸盘没有装好', en: 'The output tray is missing' },
  offline: { zh: '打印机离线（电源或连接线？）', en: 'The printer is offline (power or cable?)' },
  'connecting-to-device': { zh: '正在连接打印机…', en: 'Connecting to the printer…', warning: true },
  'timed-out': { zh: '打印机没有响应', en: 'The printer does not respond' },
  paused: { zh: '打印机已暂停（在 CUPS 中被停用）', en: 'The printer is paused (disabled in CUPS)' },
  stopped: { zh: '打印机已停止', en: 'The printer has stopped' },
  shutdown: { zh: '打印机已关闭', en: 'The printer is shut down' },
  'spool-area-full': { zh: '打印队列空间已满', en: 'The print spool is full' },
  'cups-missing-filter': { zh: '缺少打印驱动（过滤器），无法处理此文件', en: 'A print driver (filter) is missing for this document' },
  'cups-insecure-filter': { zh: '打印驱动权限不安全，已被 CUPS 拒绝', en: 'CUPS refused an insecure print driver' },
  'moving-to-paused': { zh: '打印机正在暂停', en: 'The printer is pausing', warning: true },
  'fuser-over-temp': { zh: '打印机过热', en: 'The printer is over temperature' },
  other: { zh: '打印机报告了问题', en: 'The printer reports a problem' },
};

function split(reason: string): { base: string; severity: 'error' | 'warning' | 'report' } {
  const m = /^(.*)-(error|warning|report)$/.exec(reason);
  if (m) return { base: m[1]!, severity: m[2] as 'error' | 'warning' | 'report' };
  return { base: reason, severity: 'error' };
}

/** The printer's condition, or null when it has nothing to say (reasons "none"). */
export function describePrinterReasons(reasons: readonly string[], stateMessage?: string | null): PrinterProblem | null {
  const meaningful = reasons.filter((r) => r && r !== 'none');
  if (meaningful.length === 0) return null;
  const parts = meaningful.map((r) => {
    const { base, severity } = split(r);
    const known = KNOWN[base] ?? (base.startsWith('cups-') || base.startsWith('com.') ? null : KNOWN['other']!);
    const warning = severity !== 'error' || known?.warning === true || (base.endsWith('-low') && !KNOWN[base]);
    return { r, known, warning };
  });
  const shown = parts.filter((p) => p.known);
  if (shown.length === 0) return null;
  const errors = shown.filter((p) => !p.warning);
  const pick = errors.length > 0 ? errors : shown;
  const extra = stateMessage && stateMessage.trim() ? `（${stateMessage.trim()}）` : '';
  const extraEn = stateMessage && stateMessage.trim() ? ` (${stateMessage.trim()})` : '';
  return {
    severity: errors.length > 0 ? 'error' : 'warning',
    reasons: meaningful,
    zh: pick.map((p) => p.known!.zh).join('；') + extra,
    en: pick.map((p) => p.known!.en).join('; ') + extraEn,
  };
}
