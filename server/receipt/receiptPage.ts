import { escapeHtml as e } from '../review/reviewPage.js';

/** What a student sees after scanning the receipt: where the order stands, in words, and the photo
 * once it is approved. Nothing here identifies the student beyond a masked name. */
export interface ReceiptView {
  status: string;
  reason: string | null;
  maskedName: string;
  taskName: string;
  capturedAt: string | null;
  photoReady: boolean;
  token: string;
}

const WORDS: Record<string, { zh: string; en: string }> = {
  已签到: { zh: '已签到，尚未拍摄', en: 'Checked in, not photographed yet' },
  采集中: { zh: '正在拍摄', en: 'Being photographed' },
  已采集: { zh: '已拍摄，照片正在上传', en: 'Photographed; the photo is being uploaded' },
  待审核: { zh: '照片已提交，等待审核', en: 'Submitted, waiting for review' },
  被驳回: { zh: '审核未通过，请回到采集点重拍', en: 'Not approved: please come back to the photo point for a retake' },
  待制作: { zh: '审核通过，正在制作', en: 'Approved, being produced' },
  已完成: { zh: '已完成', en: 'Completed' },
  已作废: { zh: '订单已作废', en: 'The order was voided' },
};

const STYLE = `body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:0;background:#f4f6f8;color:#1c2430}
main{max-width:480px;margin:0 auto;padding:24px}h1{font-size:22px}.status{font-size:28px;font-weight:700;margin:16px 0}
.en{color:#556;font-size:15px}.reason{color:#c0392b;font-size:20px}.muted{color:#667;font-size:14px}
img{width:240px;height:320px;border:1px solid #ccd;display:block;margin:12px 0}a{color:#1f4e79}`;

export function receiptPage(nonce: string, v: ReceiptView): string {
  const words = WORDS[v.status] ?? { zh: v.status, en: v.status };
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>采集订单状态 / Order status</title><style nonce="${nonce}">${STYLE}</style></head><body><main>
<h1>${e(v.taskName)}</h1>
<p class="muted">${e(v.maskedName)}${v.capturedAt ? ` · ${e(v.capturedAt.slice(0, 10))}` : ''}</p>
<p class="status">${e(words.zh)}<br><span class="en">${e(words.en)}</span></p>
${v.status === '被驳回' && v.reason ? `<p class="reason">原因 / reason: ${e(v.reason)}</p>` : ''}
${v.photoReady ? `<img src="/r/${e(v.token)}/photo.jpg" alt="电子照片 / electronic photo"><p><a href="/r/${e(v.token)}/photo.jpg" download="photo.jpg">下载电子照片 / Download the electronic photo</a></p>` : ''}
</main></body></html>`;
}

export function receiptNotFoundPage(nonce: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>未找到订单 / Order not found</title><style nonce="${nonce}">${STYLE}</style></head><body><main>
<p class="status">未找到该订单<br><span class="en">Order not found</span></p>
<p>采集点的照片可能尚未上传到服务器，请稍后再扫一次。<br><span class="en">The photo point may not have uploaded it yet; scan again later.</span></p>
</main></body></html>`;
}
