import { z } from 'zod';
import { FaceMatchDecision } from '../faceMatch/decision.js';

const Count = z.number().int().nonnegative();

/**
 * The day report (DESIGN §9): every figure is counted from the station's store when asked for,
 * never kept or estimated. Times are bucketed by the station's local clock.
 */
export const DayReport = z.object({
  taskCode: z.string(),
  taskName: z.string(),
  schoolName: z.string(),
  site: z.string(),
  stationId: z.string(),
  stationName: z.string(),
  from: z.string(),
  to: z.string(),
  generatedAt: z.string(),
  totals: z.object({
    /** Students with a reservation for one of the range's slots (not cancelled). */
    expected: Count,
    /** Orders checked in at this station in the range. */
    checkedIn: Count,
    /** Orders whose photo was accepted at this station in the range. */
    captured: Count,
    /** Checked in here in the range, no accepted photo (yet). */
    notCaptured: Count,
    /** Expected, and no order anywhere (or only a void one). */
    noShow: Count,
    /** Checked in here without a reservation (学信网 code, walk-in). */
    walkins: Count,
    /** Expected, and photographed (or checked in) at another station. */
    otherStation: Count,
    /** Orders of this station voided in the range (checked in that day or before). */
    void: Count,
  }),
  /** Per local hour of day (summed over the range): accepted photos and check-ins, per station. */
  hourly: z.object({
    hours: z.array(z.number().int().min(0).max(23)),
    stations: z.array(z.object({ stationId: z.string(), label: z.string(), captured: z.array(Count), checkedIn: z.array(Count) })),
  }),
  /** Per check: shots taken in the range that failed it, and of those the shots accepted with a reason (each shot once). */
  failedChecks: z.array(z.object({ checkId: z.string(), failedShots: Count, overridden: Count })),
  shots: z.object({
    total: Count,
    /** Students accepted in the range who were shot more than once in it. */
    acceptedAfterRetry: Count,
    /** Shots in the range per student accepted in it, 2 decimals; null with none accepted. */
    perAccepted: z.number().nullable(),
  }),
  faceMatch: z.object({
    outcomes: z.array(z.object({ decision: FaceMatchDecision, count: Count })),
    /** Accepted although the comparison did not pass: identity confirmed by the photographer, with a reason. */
    overrides: Count,
  }),
  retakes: z.object({
    /** Students of the task the review sent back and not photographed again. */
    pending: Count,
    /** Students whose photo the review rejected in the range (retaken since or not). */
    rejectedInRange: Count,
    /** Students with a photo accepted in the range for an order that had one accepted before (a retake done), once each. */
    retakenInRange: Count,
  }),
  sync: z.object({
    backlogJobs: Count,
    backlogBytes: Count,
    parkedJobs: Count,
    /** The range's orders at this station by sync state. */
    orders: z.object({ pending: Count, synced: Count, failed: Count }),
    oldestQueuedAt: z.string().nullable(),
  }),
  operators: z.array(z.object({ name: z.string(), captured: Count })),
  /** The app versions this station ran in the range (issue 16), first seen first: when each was
   * first and last seen running in the range, and how many times the station started with it. */
  versions: z.array(z.object({ version: z.string(), firstSeenAt: z.string(), lastSeenAt: z.string(), starts: Count })),
});
export type DayReport = z.infer<typeof DayReport>;
