import { z } from 'zod';

/** What the station shows about sync at a glance (status bar) and in detail (site manager). */
export const SyncStatus = z.object({
  /** Enrolled with a central server. */
  configured: z.boolean(),
  serverUrl: z.string().nullable(),
  /** The last request reached the server; null before the first one. */
  online: z.boolean().nullable(),
  /** Why the queue stands still, when it does (revoked, not enrolled, server asked to wait). */
  paused: z.object({ zh: z.string(), en: z.string(), until: z.string().nullable() }).nullable(),
  backlog: z.object({ jobs: z.number().int(), bytes: z.number().int() }),
  parked: z.array(z.object({ id: z.string(), kind: z.string(), orderId: z.string().nullable(), studentName: z.string().nullable(), reason: z.string(), at: z.string() })),
  lastSuccessAt: z.string().nullable(),
  lastError: z.string().nullable(),
  uploading: z.object({ orderId: z.string(), role: z.string(), sent: z.number(), total: z.number() }).nullable(),
});
export type SyncStatus = z.infer<typeof SyncStatus>;
