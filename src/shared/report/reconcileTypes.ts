import { z } from 'zod';
import { OrderStatus, SyncState } from '../domain/status.js';

/**
 * Reconciliation (DESIGN §9): per order of this station, what the central server has confirmed
 * (its answer to the order's upload — synced_revision — and to each photo) against what exists only
 * here. The server's answers are what the station recorded when it got them; nothing is guessed.
 */
export const PART_STATES = ['confirmed', 'queued', 'parked', 'missing'] as const;
export const PartState = z.enum(PART_STATES);
export type PartState = z.infer<typeof PartState>;

export const RECONCILE_STATES = ['confirmed', 'in_flight', 'parked', 'missing'] as const;
export const ReconcileState = z.enum(RECONCILE_STATES);
export type ReconcileState = z.infer<typeof ReconcileState>;

export const ReconcileOrder = z.object({
  orderId: z.string(),
  studentName: z.string(),
  studentNo: z.string().nullable(),
  status: OrderStatus,
  /** The station's revision of the order, the last one the server acknowledged, the server's own. */
  revision: z.number().int(),
  syncedRevision: z.number().int().nullable(),
  serverRevision: z.number().int().nullable(),
  syncState: SyncState,
  state: ReconcileState,
  /** The order record itself: confirmed when the server acknowledged this revision. */
  order: PartState,
  photos: z.array(z.object({ role: z.enum(['finished', 'original']), sha256: z.string(), bytes: z.number().int(), state: PartState })),
  /** Why a job is parked, when one is. */
  reason: z.string().nullable(),
  updatedAt: z.string(),
});
export type ReconcileOrder = z.infer<typeof ReconcileOrder>;

export const ReconcileReport = z.object({
  taskCode: z.string(),
  generatedAt: z.string(),
  summary: z.object({
    orders: z.number().int(),
    confirmed: z.number().int(),
    inFlight: z.number().int(),
    parked: z.number().int(),
    missing: z.number().int(),
    /** Orders of other stations mirrored here: theirs to reconcile. */
    otherStation: z.number().int(),
    photosConfirmed: z.number().int(),
    photosOnlyHere: z.number().int(),
    bytesOnlyHere: z.number(),
  }),
  /** Orders not (yet) fully confirmed, the most recently changed first (at most 500). */
  orders: z.array(ReconcileOrder),
  truncated: z.boolean(),
});
export type ReconcileReport = z.infer<typeof ReconcileReport>;
