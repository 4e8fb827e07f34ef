import { z } from 'zod';

/** Why a scanned code did not lead straight to a student; each has its own words (scanMessages.ts). */
export const SCAN_REFUSALS = [
  'malformed',
  'bad_signature',
  'expired',
  'other_task',
  'no_task_key',
  'unknown_reservation',
  'cancelled',
  'already_captured',
  'unrecognized',
] as const;
export const ScanRefusal = z.enum(SCAN_REFUSALS);
export type ScanRefusal = z.infer<typeof ScanRefusal>;

export const ScanOutcome = z.discriminatedUnion('kind', [
  /** Identified: show the student card for confirmation. */
  z.object({ kind: z.literal('student'), via: z.enum(['reservation', 'xuexin']), studentId: z.string() }),
  /** Not admitted by this code. studentId is set when the code still says who it is (cancelled, already captured). */
  z.object({ kind: z.literal('refused'), reason: ScanRefusal, zh: z.string(), en: z.string(), studentId: z.string().nullable() }),
  /** A 学信网 code that is not in the synced roster: search by hand, or register as 待识别 with the code kept. */
  z.object({ kind: z.literal('unmatched_xuexin'), zh: z.string(), en: z.string() }),
]);
export type ScanOutcome = z.infer<typeof ScanOutcome>;

export const ScanSource = z.enum(['camera', 'scanner', 'file', 'typed']);
export type ScanSource = z.infer<typeof ScanSource>;
