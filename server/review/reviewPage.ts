import { REJECTION_REASONS } from '../domain/orderStatus.js';
import type { OrderView } from '../services/review.js';

/** Server-rendered reviewer pages: no external assets, one nonce'd style block and one nonce'd
 * script that only adds comfort (times in the reviewer's own zone, a confirmation after each
 * decision, keyboard shortcuts): every decision still works with scripts off. */

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
const e = escapeHtml;

export function reviewCsp(nonce: string): string {
  return [
    "default-src 'none'",
    "img-src 'self'",
    `style-src 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
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
.card img{width:240px;height:320px;object-fit:contain;background:#ddd;border:1px solid #ccd;display:block}
.nophoto{width:240px;height:320px;display:flex;align-items:center;justify-content:center;background:#eee;color:#889;border:1px solid #ccd;box-sizing:border-box;text-align:center}
.pair{display:flex;flex-direction:column;gap:6px} .pair .shots{display:flex;gap:10px} .pair figure{margin:0}
.pair figcaption{font-size:13px;color:#445;text-align:center;margin-top:4px;font-weight:700} .pair .match{font-size:14px;text-align:center}
.info{flex:1} .info h2{margin:0 0 6px;font-size:17px} .muted{color:#667;font-size:13px}
.flag{display:inline-block;padding:2px 8px;border-radius:4px;background:#c0392b;color:#fff;font-size:12px;margin-left:6px}
.ok{color:#1e8449} .warn{color:#b9770e} .fail{color:#c0392b}
.actions{display:flex;flex-direction:column;gap:8px;min-width:260px}
.actions form{display:flex;flex-direction:column;gap:6px;background:#f7f9fb;padding:8px;border-radius:4px}
button{padding:6px 12px;font-size:14px;cursor:pointer} .approve{background:#1e8449;color:#fff;border:0}
.reject{background:#c0392b;color:#fff;border:0} select,input[type=text],input[type=password]{padding:5px;font-size:14px}
.login{max-width:380px;margin:80px auto;background:#fff;padding:24px;border-radius:6px}
.login form{display:flex;flex-direction:column;gap:10px} .error{color:#c0392b}
.confirm{margin:10px 20px 0;padding:10px 16px;border-radius:6px;background:#ddf5e4;color:#0f6b2f;border-left:6px solid #1e8449;font-weight:700;font-size:16px}
.card.focused{outline:3px solid #f0b400;outline-offset:2px} .keys{margin-left:auto;color:#445;font-size:13px;align-self:center}
kbd{border:1px solid #99a;border-radius:3px;padding:0 4px;background:#fff;font-family:inherit}
`;

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** A stored instant (UTC ISO) as a wall-clock time in the server's zone, 2026-12-07 21:24; the
 * page's script rewrites it in the reviewer's own zone. */
export function localTime(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return e(iso);
  const text = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return `<time datetime="${e(d.toISOString())}">${text}</time>`;
}

/** The reviewer's comfort, in the page itself (no external file): see the header comment. */
const SCRIPT = `(() => {
  const pad = (n) => String(n).padStart(2, '0');
  for (const t of document.querySelectorAll('time[datetime]')) {
    const d = new Date(t.getAttribute('datetime'));
    if (!isNaN(d.getTime())) t.textContent = d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + pad(d.getHours()) + ':' + pad(d.getMinutes());
  }
  // A decision posts and comes back to the list; the route adds ?notice= only when it failed, so
  // the decision remembered before the post is confirmed when the list comes back without one.
  const KEY = 'cc-review-decision';
  const WORDS = { approve: '已通过 / Approved', reject: '已驳回 / Rejected', complete: '已标记完成 / Marked done', void: '已作废 / Voided' };
  let last = null;
  try { last = JSON.parse(sessionStorage.getItem(KEY) || 'null'); sessionStorage.removeItem(KEY); } catch { last = null; }
  const box = document.getElementById('decision-confirm');
  if (box && last && WORDS[last.decision] && !new URLSearchParams(location.search).has('notice')) {
    box.textContent = WORDS[last.decision] + '：' + (last.name || '') + (last.no ? '（学号 ' + last.no + '）' : '') + (last.reason ? ' · ' + last.reason : '');
    box.hidden = false;
  }
  document.addEventListener('submit', (ev) => {
    const form = ev.target;
    const decision = form.querySelector('input[name="decision"]');
    const card = form.closest('.card');
    if (!decision || !card) return;
    const reason = (form.querySelector('input[name="reasonText"]') || {}).value || (form.querySelector('select[name="reason"]') || {}).value || '';
    try { sessionStorage.setItem(KEY, JSON.stringify({ decision: decision.value, name: card.dataset.name, no: card.dataset.no, reason })); } catch {}
  });
  // Keys: J/K or ↓/↑ move between orders, A approves, R goes to the rejection reason, D marks done.
  const cards = Array.from(document.querySelectorAll('.card'));
  let at = 0;
  const focusCard = (i) => {
    if (cards.length === 0) return;
    at = Math.max(0, Math.min(cards.length - 1, i));
    cards.forEach((c, j) => c.classList.toggle('focused', j === at));
    cards[at].focus({ preventScroll: true });
    cards[at].scrollIntoView({ block: 'nearest' });
  };
  focusCard(0);
  const submitDecision = (value) => {
    const input = cards[at] && cards[at].querySelector('input[name="decision"][value="' + value + '"]');
    if (input) input.form.requestSubmit();
  };
  document.addEventListener('keydown', (ev) => {
    if (ev.ctrlKey || ev.altKey || ev.metaKey) return;
    const typing = ev.target instanceof HTMLElement && ev.target.closest('input, select, textarea');
    if (typing) {
      if (ev.key === 'Escape') { ev.target.blur(); focusCard(at); }
      return;
    }
    const key = ev.key.toLowerCase();
    if (key === 'j' || ev.key === 'ArrowDown') { ev.preventDefault(); focusCard(at + 1); }
    else if (key === 'k' || ev.key === 'ArrowUp') { ev.preventDefault(); focusCard(at - 1); }
    else if (key === 'a') { ev.preventDefault(); submitDecision('approve'); }
    else if (key === 'd') { ev.preventDefault(); submitDecision('complete'); }
    else if (key === 'r') {
      const select = cards[at] && cards[at].querySelector('select[name="reason"]');
      if (select) { ev.preventDefault(); select.focus(); }
    }
  });
})();`;

/** The list carries the script; the login page needs none and has none. */
function layout(nonce: string, title: string, body: string, script = false): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${e(title)}</title><style nonce="${nonce}">${STYLE}</style></head><body>${body}${script ? `<script nonce="${nonce}">${SCRIPT}</script>` : ''}</body></html>`;
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

export const TABS = ['待审核', '待制作', '被驳回', '已完成', '已采集', '已撤回', '已作废'] as const;
export type Tab = (typeof TABS)[number];
const TAB_EN: Record<Tab, string> = {
  待审核: 'to review',
  待制作: 'to produce',
  被驳回: 'rejected',
  已完成: 'done',
  已采集: 'awaiting photos',
  已撤回: 'withdrawn by the station',
  已作废: 'void',
};

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
  return `录取照片比对 / face match: <strong>${score}</strong> · ${e(o.faceMatch.decision)}${override}`;
}

/**
 * What 录取照片比对 asks a person to judge: this capture and the admission photo side by side at the
 * same size, the station's score under them. The admission photo comes from the review session's
 * own route (sealed on the server, never cached).
 */
function photoPairHtml(o: OrderView): string {
  const capture = o.finishedPhoto
    ? `<img src="/review/photos/${o.finishedPhoto}" alt="本次采集 / This capture" data-testid="capture-photo">`
    : '<div class="nophoto">照片未到 / photo not here yet</div>';
  const admission = o.admissionPhoto
    ? `<img src="/review/orders/${encodeURIComponent(o.id)}/admission-photo" alt="录取照片 / Admission photo" data-testid="admission-photo">`
    : '<div class="nophoto" data-testid="no-admission-photo">无录取照片 / No admission photo</div>';
  return `<div class="pair"><div class="shots"><figure>${capture}<figcaption>本次采集 / This capture</figcaption></figure>
<figure>${admission}<figcaption>录取照片 / Admission photo</figcaption></figure></div>
<div class="match" data-testid="face-match">${faceHtml(o)}</div></div>`;
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
  const conflict = o.conflict ? `<span class="flag">多站重复采集${o.current ? '（当前）' : '（非当前）'} / duplicate ${o.current ? '(current)' : '(not current)'}</span>` : '';
  const walkin = o.studentSource !== 'roster' ? '<span class="flag">现场登记 / walk-in</span>' : '';
  return `<div class="card" id="order-${e(o.id)}" tabindex="-1" data-name="${e(o.studentName || '')}" data-no="${e(o.studentNo ?? '')}">${photoPairHtml(o)}<div class="info">
<h2>${e(o.studentName || o.studentId)} ${conflict}${walkin}</h2>
<div class="muted">学号 / No. ${e(o.studentNo ?? '—')} · ${e(o.department ?? '')} · 任务 / task ${e(o.taskCode)}</div>
<div class="muted">订单 / order ${e(o.id)} · 版本 / rev ${o.revision} · 采集站 / station ${e(o.stationName)} · 拍摄 / taken ${localTime(o.capturedAt)}</div>
<p>状态 / status: <strong>${o.withdrawn ? '已撤回审核，待重拍 / withdrawn from review, awaiting a new photo' : e(o.status)}</strong>${o.reason ? ` · 原因 / reason: ${e(o.reason)}` : ''}${o.decidedAt ? ` · 审核于 / decided ${localTime(o.decidedAt)}` : ''}</p>
<p>${checksHtml(o)}</p></div>
<div class="actions">${actionsHtml(o, csrf)}</div></div>`;
}

export function listPage(nonce: string, tab: Tab, orders: OrderView[], csrf: string, notice: string | null): string {
  const nav = TABS.map((t) => `<a href="/review?status=${encodeURIComponent(t)}"${t === tab ? ' class="on"' : ''}>${t} / ${TAB_EN[t]}</a>`).join('');
  const body = orders.length ? orders.map((o) => orderCard(o, csrf)).join('') : `<p class="empty">没有「${tab}」的订单 / no orders ${TAB_EN[tab]}</p>`;
  return layout(
    nonce,
    `${tab} · 照片审核`,
    `<header><h1>照片审核 / Photo review</h1><form method="post" action="/review/logout"><input type="hidden" name="csrf" value="${e(csrf)}"><button type="submit">退出 / Log out</button></form></header>
<nav>${nav}<span class="keys"><kbd>J</kbd>/<kbd>K</kbd> 上下选择 / move · <kbd>A</kbd> 通过 / approve · <kbd>R</kbd> 驳回原因 / reject reason · <kbd>D</kbd> 已完成 / done</span></nav>
<p class="confirm" id="decision-confirm" role="status" data-testid="decision-confirm" hidden></p>${notice ? `<p class="error">${e(notice)}</p>` : ''}<main>${body}</main>`,
    true,
  );
}
