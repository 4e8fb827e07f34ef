import { z } from 'zod';

/**
 * Stills cross between the renderer and main as bytes on a local URL, never as base64 in an RPC
 * message (DESIGN §2: images cross as ids/paths, not buffers). The web shell serves these paths on
 * its own loopback origin; Electron serves them on a privileged custom scheme. Both answer only a
 * request carrying the bearer key `media.session` gave that RPC session.
 */
export const MEDIA_PATH = '/media/';
export const MEDIA_SCHEME = 'campus-media';
/** Electron's origin for the scheme (the host part is fixed; the path is the same as the web shell's). */
export const MEDIA_ELECTRON_ORIGIN = `${MEDIA_SCHEME}://station`;

/** A 24 MP JPEG at the highest quality is ~15 MB; the base64 bound before was 28 MB of text (21 MB). */
export const MAX_STILL_BYTES = 21_000_000;
/** The person mask: a greyscale PNG at the analysis copy's size (≤ 1600 px) is well under 3 MB. */
export const MAX_MASK_BYTES = 6_000_000;

/**
 * The person mask the kiosk's worker sends up raw (issue 18: no PNG made in the renderer and read in
 * main): `PUT /media/mask/<captureId>?width=W&height=H` with `Content-Type: application/octet-stream`
 * and exactly W×H bytes, 0–255 person probability row by row. A PNG body is still read.
 */
export const MASK_RAW_TYPE = 'application/octet-stream';
export const MaskRawQuery = z
  .object({ width: z.coerce.number().int().min(1).max(4096), height: z.coerce.number().int().min(1).max(4096) })
  .strict()
  .refine((q) => q.width * q.height <= MAX_MASK_BYTES, { message: 'mask too large' });

/**
 * The analysis copy comes down raw too: `GET /media/analysis/<captureId>` answers upright 8-bit RGB,
 * row by row, at the width and height `capture.stillAnalysis` gave (ANALYSIS_RGB_TYPE).
 */
export const ANALYSIS_RGB_TYPE = 'application/octet-stream';

/**
 * What a GET may fetch: the analysis copy, the finished photo, a thumbnail (finished or original), a
 * held DSLR shot's preview, and the photo published on the student's screen (the one kind a student
 * display, with nobody logged in on it, may fetch).
 */
export const MEDIA_KINDS = ['analysis', 'finished', 'thumb-finished', 'thumb-original', 'held', 'student-photo'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

export const MediaId = z.string().regex(/^[A-Za-z0-9-]{1,64}$/);

export function mediaPath(kind: MediaKind, id: string): string {
  return `${MEDIA_PATH}${kind}/${encodeURIComponent(id)}`;
}
