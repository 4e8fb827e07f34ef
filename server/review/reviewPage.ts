import { REJECTION_REASONS } from '../domain/orderStatus.js';
import type { OrderView } from '../services/review.js';

/** Server-rendered reviewer pages: no scripts, no external assets, one nonce'd style block. */

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
const e = escapeHtml;

export function reviewCsp(nonce: string): string {
  return [
    "default-src 'none'",
    "img-src 'self'",
    `style-src 'nonce-${nonce}'`,
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const STYLE = `
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:0;background:#f4f6f8;color:#1c2430}
header{background:#1f4e79;color:#fff;padding:12px 20px;display:flex;gap:20px;align-items:center}
header h1{font-size:18px;margin:0;flex:1} header a{color:#fff} header form{margin:0}
nav{padding:10px 20px;display:flex;gap:12px} nav a{padding:4px 10px;border-radius:4px;background:#fff;color:#1f4e79;text-decoration:none}
nav a.on{background:#1f4e79;color:#fff}
main{padding:0 20px 40px} .empty{color:#667;padding:40px;text-align:center}
.card{background:#fff;border-radius:6px;padding:14px;margin:12px 0;display:flex;gap:18px;box-shadow:0 1px 2px #0002}
.card img{width:240px;height:320px;object-fit:contain;background:#ddd;border:1px solid #ccd}
.nophoto{width:240px;height:320px;display:flex;align-items:center;justify-content:center;background:#eee;color:#889}
.info{flex:1} .info h2{margin:0 0 6px;font-size:17px} .muted{color:#667;font-size:13px}
.flag{display:inline-block;padding:2px 8px;border-radius:4px;background:#c0392b;color:#fff;font-size:12px;margin-left:6px}
.ok{color:#1e8449} .warn{color:#b9770e} .fail{color:#c0392b}
.actions{display:flex;flex-direction:column;gap:8px;min-width:260px}
.actions form{display:flex;flex-direction:column;gap:6px;background:#f7f9fb;padding:8px;border-radius:4px}
button{padding:6px 12px;font-size:14px;cursor:pointer} .approve{background:#1e8449;color:#fff;border:0}
.reject{background:#c0392b;color:#fff;border:0} select,input[type=text],input[type=password]{padding:5px;font-size:14px}
.login{max-width:380px;margin:80px auto;background:#fff;padding:24px;border-radius:6px}
.login form{display:flex;flex-direction:column;gap:10px} .error{color:#c0392b}
`;

function layout(nonce: string, title: string, body: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${e(title)}</title><style nonce="${nonce}">${STYLE}</style></head><body>${body}</body></html>`;
}

export function loginPage(nonce: string, error: string | null): string {
  return layout(
    nonce,
    '审核登录 / Review login',
    `<div class="login"><h1>照片审核 / Photo review</h1>
${error ? `<p class="error">${e(error)}</p>` : ''}
<form method="post" action="/review/login">
<label>管理员令牌 / Admin token<br><input type="password" name="token" autocomplete="current-password" required></label>
<button type="submit" class="approve">登录 / Log in</button></form>
<p class="muted">令牌在服务器数据目录的 admin-token 文件中 / the token is in the admin-token file of the server's data folder.</p></div>`,
  );
}

export const TABS = ['待审核', '待制作', '被驳回', '已完成', '已采集'] as const;
export type Tab = (typeof TABS)[number];
const TAB_EN: Record<Tab, string> = { 待审核: 'to review', 待制作: 'to produce', 被驳回: 'rejected', 已完成: 'done', 已采集: 'awaiting photos' };

function checksHtml(o: OrderView): string {
  if (!o.checks) return '<span class="muted">无检测结果 / no check results</span>';
  const cls = o.checks.status === 'pass' ? 'ok' : o.checks.status === 'warn' ? 'warn' : 'fail';
  const label = { pass: '通过 / pass', warn: '提醒 / warn', fail: '未通过 / fail' }[o.checks.status];
  // The station's verdict carries each check's words (what the student was told): a reviewer reads
  // those, with the check id for the record.
  const words = new Map(((o.checks.verdict as { checks?: { id: string; zh?: string }[] } | null)?.checks ?? []).map((c) => [c.id, c.zh ?? c.id]));
  const named = (id: string) => `${e(words.get(id) ?? id)}（${e(id)}）`;
  const failed = o.checks.failed.length ? `；未通过项 / failed: ${o.checks.failed.map(named).join('、')}` : '';
  const overrides = o.checks.overrides.length ? `<br><span class="muted">人工放行 / overridden: ${o.checks.overrides.map((x) => `${named(x.checkId)}：${e(x.reason)}`).join('；')}</span>` : '';
  return `<span class="${cls}">检测 / checks: ${label}</span>${failed}${overrides}`;
}

function faceHtml(o: OrderView): string {
  if (!o.faceMatch) return '<span class="muted">无人像比对 / no face match</span>';
  const score = o.faceMatch.score === null ? '—' : o.faceMatch.score.toFixed(3);
  const override = o.faceMatch.overrideReason ? `（确认原因 / confirmed: ${e(o.faceMatch.overrideReason)}）` : '';
  return `人像比对 / face match: ${score} · ${e(o.faceMatch.decision)}${override}`;
}

function actionsHtml(o: OrderView, csrf: string): string {
  const hidden = `<input type="hidden" name="csrf" value="${e(csrf)}"><input type="hidden" name="revision" value="${o.revision}">`;
  const action = `/review/orders/${encodeURIComponent(o.id)}/decision`;
  const forms: string[] = [];
  if (o.status === '待审核') {
    forms.push(`<form method="post" action="${action}">${hidden}<input type="hidden" name="decision" value="approve"><button class="approve" type="submit">通过 / Approve</button></form>`);
  }
  if (o.status === '待审核' || o.status === '待制作') {
    const options = REJECTION_REASONS.map((r) => `<option value="${e(r)}">${e(r)}</option>`).join('');
    forms.push(`<form method="post" action="${action}">${hidden}<input type="hidden" name="decision" value="reject">
<select name="reason"><option value="">— 选择驳回原因 / reason —</option>${options}</select>
<input type="text" name="reasonText" maxlength="200" placeholder="或填写其他原因 / or type a reason">
<button class="reject" type="submit">驳回 / Reject</button></form>`);
  }
  if (o.status === '待制作') {
    forms.push(`<form method="post" action="${action}">${hidden}<input type="hidden" name="decision" value="complete"><button type="submit">已完成 / Mark done</button></form>`);
  }
  if (o.conflict && !o.current && o.status !== '已完成') {
    forms.push(`<form method="post" action="${action}">${hidden}<input type="hidden" name="decision" value="void"><button type="submit">作废重复订单 / Void duplicate</button></form>`);
  }
  return forms.join('');
}

function orderCard(o: OrderView, csrf: string): string {
  const img = o.finishedPhoto
    ? `<img src="/review/photos/${o.finishedPhoto}" alt="成品照 / finished photo">`
    : '<div class="nophoto">照片未到 / photo not here yet</div>';
  const conflict = o.conflict ? `<span class="flag">多站重复采集${o.current ? '（当前）' : '（非当前）'} / duplicate ${o.current ? '(current)' : '(not current)'}</span>` : '';
  const walkin = o.studentSource !== 'roster' ? '<span class="flag">现场登记 / walk-in</span>' : '';
  return `<div class="card" id="order-${e(o.id)}">${img}<div class="info">
<h2>${e(o.studentName || o.studentId)} ${conflict}${walkin}</h2>
<div class="muted">学号 / No. ${e(o.studentNo ?? '—')} · ${e(o.department ?? '')} · 任务 / task ${e(o.taskCode)}</div>
<div class="muted">订单 / order ${e(o.id)} · 版本 / rev ${o.revision} · 采集站 / station ${e(o.stationName)} · ${e(o.capturedAt ?? '')}</div>
<p>状态 / status: <strong>${e(o.status)}</strong>${o.reason ? ` · 原因 / reason: ${e(o.reason)}` : ''}</p>
<p>${checksHtml(o)}</p><p>${faceHtml(o)}</p></div>
<div class="actions">${actionsHtml(o, csrf)}</div></div>`;
}

export function listPage(nonce: string, tab: Tab, orders: OrderView[], csrf: string, notice: string | null): string {
  const nav = TABS.map((t) => `<a href="/review?status=${encodeURIComponent(t)}"${t === tab ? ' class="on"' : ''}>${t} / ${TAB_EN[t]}</a>`).join('');
  const body = orders.length ? orders.map((o) => orderCard(o, csrf)).join('') : `<p class="empty">没有「${tab}」的订单 / no orders ${TAB_EN[tab]}</p>`;
  return layout(
    nonce,
    `${tab} · 照片审核`,
    `<header><h1>照片审核 / Photo review</h1><form method="post" action="/review/logout"><input type="hidden" name="csrf" value="${e(csrf)}"><button type="submit">退出 / Log out</button></form></header>
<nav>${nav}</nav>${notice ? `<p class="error">${e(notice)}</p>` : ''}<main>${body}</main>`,
  );
}
