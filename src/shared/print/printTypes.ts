import { z } from 'zod';
import { Paper, PhotoSize, PrintBackground, PrintLayout } from './printSchema.js';

/** What crosses the RPC boundary about printing; the contract imports these. */

export const Bilingual = z.object({ zh: z.string(), en: z.string() });
export type Bilingual = z.infer<typeof Bilingual>;

/**
 * A print job's life, stored in print_jobs: queued (in the store, not yet handed to CUPS) →
 * submitted (CUPS has it under cupsJobId) → done | failed; cancelled by the photographer at any
 * point before done. A failed or cancelled job can be retried (to the same or another printer),
 * which queues it again as the next attempt.
 */
export const PRINT_JOB_STATES = ['queued', 'submitted', 'done', 'failed', 'cancelled'] as const;
export const PrintJobState = z.enum(PRINT_JOB_STATES);
export type PrintJobState = z.infer<typeof PrintJobState>;
export const PrintJobKind = z.enum(['sheet', 'receipt']);
export type PrintJobKind = z.infer<typeof PrintJobKind>;

export function isFinalPrintState(s: PrintJobState): boolean {
  return s === 'done' || s === 'failed' || s === 'cancelled';
}

export const PrinterProblem = z.object({
  severity: z.enum(['error', 'warning']),
  /** printer-state-reasons as CUPS reports them, e.g. media-empty-error. */
  reasons: z.array(z.string()),
  zh: z.string(),
  en: z.string(),
});
export type PrinterProblem = z.infer<typeof PrinterProblem>;

export const PrintJob = z.object({
  id: z.string(),
  orderId: z.string(),
  studentName: z.string(),
  kind: PrintJobKind,
  layoutId: z.string().nullable(),
  paperId: z.string(),
  background: PrintBackground.nullable(),
  printer: z.string(),
  tray: z.string().nullable(),
  copies: z.number().int(),
  state: PrintJobState,
  attempt: z.number().int(),
  cupsJobId: z.number().int().nullable(),
  /** CUPS's own job-state while submitted: pending, held, processing, stopped, … */
  cupsState: z.string().nullable(),
  /** What the printer says while the job waits (out of paper, paused, offline). */
  problem: PrinterProblem.nullable(),
  /** Why it failed. */
  error: Bilingual.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type PrintJob = z.infer<typeof PrintJob>;

export const PrinterInfo = z.object({
  name: z.string(),
  description: z.string().nullable(),
  location: z.string().nullable(),
  isDefault: z.boolean(),
  state: z.enum(['idle', 'processing', 'stopped', 'unknown']),
  accepting: z.boolean(),
  reasons: z.array(z.string()),
  problem: PrinterProblem.nullable(),
  /** Paper ids from the catalogue this printer offers (by size, or through custom sizes). */
  papers: z.array(z.string()),
  /** Input trays (InputSlot / media-source), when the printer has a choice. */
  trays: z.array(z.object({ id: z.string(), label: z.string() })),
});
export type PrinterInfo = z.infer<typeof PrinterInfo>;

export const LayoutFit = z.object({
  paperId: z.string(),
  fits: z.boolean(),
  nearBorderless: z.boolean(),
  zh: z.string(),
  en: z.string(),
});
export type LayoutFit = z.infer<typeof LayoutFit>;

export const PrintOptions = z.object({
  papers: z.array(Paper),
  photoSizes: z.array(PhotoSize),
  layouts: z.array(z.object({ layout: PrintLayout, counts: Bilingual, fits: z.array(LayoutFit) })),
});
export type PrintOptions = z.infer<typeof PrintOptions>;
