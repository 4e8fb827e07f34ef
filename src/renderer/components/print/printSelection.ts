import type { PrintBackground } from '../../../shared/print/printSchema';
import type { PrinterInfo, PrintJobKind, PrintOptions } from '../../../shared/print/printTypes';

/** What the photographer has chosen on the print screen. */
export interface PrintSelection {
  kind: PrintJobKind;
  layoutId: string;
  /** Paper for the photo sheet. */
  paperId: string;
  /** Paper for the receipt slip. */
  receiptPaperId: string;
  background: PrintBackground;
  printer: string;
  tray: string | null;
  copies: number;
}

export const PREFERRED_LAYOUT = 'ban1-1cun8-2cun4';

/** Sensible first choices: 版式一 on its paper in blue, the default printer, the smallest receipt roll it takes. */
export function initialSelection(options: PrintOptions, printers: readonly PrinterInfo[]): PrintSelection {
  const layout = options.layouts.find((l) => l.layout.id === PREFERRED_LAYOUT) ?? options.layouts[0];
  const printer = printers.find((p) => p.isDefault) ?? printers.find((p) => p.accepting) ?? printers[0];
  // A slip on a receipt roll first; A6 when no roll printer takes it.
  const receiptPapers = options.papers.filter((p) => p.use !== 'photo').sort((a, b) => Number(b.kind === 'roll') - Number(a.kind === 'roll'));
  const receipt = receiptPapers.find((p) => !printer || printer.papers.includes(p.id)) ?? receiptPapers[0];
  return {
    kind: 'sheet',
    layoutId: layout?.layout.id ?? '',
    paperId: layout?.layout.paper ?? options.papers[0]?.id ?? '',
    receiptPaperId: receipt?.id ?? '',
    background: 'blue',
    printer: printer?.name ?? '',
    tray: null,
    copies: 1,
  };
}
