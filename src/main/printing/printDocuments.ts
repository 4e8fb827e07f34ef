import { AppError } from '../../shared/errors.js';
import { describeCounts, placeLayout, type SheetPlan } from '../../shared/print/layoutEngine.js';
import { OrderPrints, type PrintBackground, type PrintCatalog } from '../../shared/print/printSchema.js';
import { getOrderForPrint, getOrderPrints } from '../db/queries/printJobs.js';
import type { AppContext } from '../services/AppContext.js';
import { pagesToPdf } from './pdfDocument.js';
import { requireLayout, requirePaper, sizeMap } from './printCatalog.js';
import { loadPrintSource, renderPrintPhoto } from './printPhoto.js';
import { receiptTokenFor, receiptUrl } from './receiptToken.js';
import { renderReceipt, type RenderedReceipt } from './renderReceipt.js';
import { renderSheet, type RenderedSheet } from './renderSheet.js';

export interface SheetDocument {
  plan: SheetPlan;
  sheet: RenderedSheet;
  pdf: Buffer;
  /** CUPS media for the page. */
  media: string | null;
  backgroundReplaced: boolean;
  fit: { zh: string; en: string };
}

export interface SheetRequest {
  orderId: string;
  layoutId: string;
  paperId: string;
  background: PrintBackground;
}

/** The order's photo on the sheet: layout placed on the paper (or refused with the numbers), each size rendered once. */
export async function sheetDocument(ctx: AppContext, catalog: PrintCatalog, req: SheetRequest): Promise<SheetDocument> {
  const layout = requireLayout(catalog, req.layoutId);
  const paper = requirePaper(catalog, req.paperId);
  if (paper.use === 'receipt') throw new AppError('BAD_INPUT', { zh: `${paper.name.zh}只用于打印回执`, en: `${paper.name.en} is for receipts only` });
  const sizes = sizeMap(catalog);
  const fit = placeLayout(layout, paper, sizes);
  if (!fit.fits) throw new AppError('BAD_INPUT', { zh: `${layout.name.zh}：${fit.zh}`, en: `${layout.name.en}: ${fit.en}` });
  const source = await loadPrintSource(getOrderForPrint(ctx.db, req.orderId), ctx.specs);
  const photos = new Map<string, { jpeg: Buffer; widthPx: number; heightPx: number }>();
  let backgroundReplaced = true;
  for (const { sizeId } of fit.plan.counts) {
    const photo = await renderPrintPhoto(source, sizes.get(sizeId)!, paper.dpi, req.background, ctx.specs);
    backgroundReplaced &&= photo.backgroundReplaced;
    photos.set(sizeId, photo);
  }
  const sheet = await renderSheet(fit.plan, layout, paper, photos);
  const pdf = pagesToPdf([sheet.page], `${layout.name.zh} ${req.orderId}`);
  return { plan: fit.plan, sheet, pdf, media: paper.media, backgroundReplaced, fit: { zh: fit.zh, en: fit.en } };
}

export interface ReceiptDocument {
  receipt: RenderedReceipt;
  pdf: Buffer;
  media: string | null;
  url: string;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** The slip for an order, with its QR to `<server>/r/<token>`; the token is made once per order. */
export async function receiptDocument(ctx: AppContext, catalog: PrintCatalog, orderId: string, paperId: string, serverUrl: string | null): Promise<ReceiptDocument> {
  const paper = requirePaper(catalog, paperId);
  if (paper.use === 'photo') throw new AppError('BAD_INPUT', { zh: `${paper.name.zh}不用于打印回执`, en: `${paper.name.en} is not for receipts` });
  const order = getOrderForPrint(ctx.db, orderId);
  if (!order) throw new AppError('NOT_FOUND', { zh: '没有这个订单', en: 'No such order' });
  if (order.status === '已作废') throw new AppError('CONFLICT', { zh: '订单已作废', en: 'The order is void' });
  const url = receiptUrl(serverUrl, receiptTokenFor(ctx.db, orderId));
  const sizes = sizeMap(catalog);
  const requested = OrderPrints.safeParse(JSON.parse(getOrderPrints(ctx.db, orderId) ?? '[]'));
  const prints = (requested.success ? requested.data : []).map((p) => {
    const layout = catalog.layouts.find((l) => l.id === p.layoutId);
    const what = layout ? describeCounts(layout, sizes).zh : p.layoutId;
    return `${what}（${p.background === 'blue' ? '蓝底' : '白底'}）×${p.copies}`;
  });
  const receipt = await renderReceipt(
    {
      orderId,
      studentName: order.student_name,
      schoolName: order.school_name,
      taskCode: order.task_code,
      capturedAt: order.captured_at,
      stationName: ctx.stationName,
      prints,
      url,
      printedAt: ctx.now(),
    },
    paper,
  );
  const media = paper.media ?? `Custom.${round1(receipt.page.widthMm)}x${round1(receipt.page.heightMm)}mm`;
  return { receipt, pdf: pagesToPdf([receipt.page], `回执 ${orderId}`), media, url };
}
