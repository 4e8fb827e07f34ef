import { z } from 'zod';

const Words = z.object({ zh: z.string(), en: z.string() });

/** One reason an install cannot happen now, by code (for tests and styling) and in both languages. */
export const UpdateReason = z.object({ code: z.string(), zh: z.string(), en: z.string() });
export type UpdateReason = z.infer<typeof UpdateReason>;

export const UpdateChannel = z.enum(['stable', 'pilot']);
export type UpdateChannel = z.infer<typeof UpdateChannel>;

/**
 * What the manager screen shows about the app's version and its updates (issue 16). Updates come
 * only to the installed (Electron) app: elsewhere `updater` is null and `unavailable` says why,
 * with the running version still shown.
 */
export const UpdateStatus = z.object({
  running: z.string(),
  unavailable: Words.nullable(),
  updater: z
    .object({
      channel: UpdateChannel,
      /** What the channel serves, from the last check that got through; null before one did. */
      offered: z.object({ version: z.string(), pinned: z.boolean() }).nullable(),
      lastCheckAt: z.string().nullable(),
      download: z.object({
        state: z.enum(['none', 'downloading', 'verified']),
        version: z.string().nullable(),
        /** 0–100 while downloading, when electron-updater reported progress. */
        percent: z.number().min(0).max(100).nullable(),
      }),
    })
    .nullable(),
  /** The site manager's 安装更新: allowed now, or the reasons it is not. */
  install: z.object({ allowed: z.boolean(), version: z.string().nullable(), reasons: z.array(UpdateReason) }),
  /** What the unattended end-of-day install still waits for ([] = it will go ahead). */
  autoInstall: z.object({ reasons: z.array(UpdateReason) }),
});
export type UpdateStatus = z.infer<typeof UpdateStatus>;
