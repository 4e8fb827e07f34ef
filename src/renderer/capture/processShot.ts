import type { SpecProfile } from '../../shared/spec/specProfile';
import type { Verdict } from '../../shared/vision/verdict';
import type { RpcClient } from '../../shared/rpc/client';
import { analyseStill, warmStillVision } from '../vision/analyseStill';
import { fetchPixels, mediaObjectUrl, uploadMask } from './stillMedia';

export interface ShotResult {
  captureId: string;
  /** An object URL of the finished spec photo; null when no face was found to finish it by. */
  finishedUrl: string | null;
  verdict: Verdict;
  bytes: number | null;
  /** Taken up to the acceptance of a photo review rejected: shown, never accepted again. */
  barred?: { reason: string | null };
  /** Milliseconds per step (wall clock here, and the vision worker's own stages as `vision.*`), for bench/shutter. */
  timings?: Record<string, number>;
}

/**
 * From a stored shot to its finished photo and verdict: main gives the oriented analysis copy, the
 * vision worker measures it, main finishes the spec photo from the original with those measures.
 * Images cross as bytes on the shell's local URLs (stillMedia.ts); only ids and measures cross RPC.
 * The copy comes down and the mask goes up as raw pixels: nothing is encoded to be decoded again.
 *
 * Finishing needs only the face and the mask, which the worker has before its image checks run: the
 * mask goes up and main finishes the photo (capture.prepareFinish) while the checks run, and
 * capture.finishShot then only judges and records it. Should the early finish fail, the shot is
 * finished the plain way, which says why.
 */
export async function processShot(client: RpcClient, spec: SpecProfile, captureId: string): Promise<ShotResult> {
  const t = stopwatch();
  const image = await client.call('capture.stillAnalysis', { captureId });
  const copy = await fetchPixels(client, image.url, image.width, image.height);
  t.lap('copy');
  let early: Promise<boolean> | null = null;
  const analysed = await analyseStill(copy, spec, {
    onGeometry: (face, mask) => {
      if (!face) return;
      t.mark('geometry');
      early = (async () => {
        if (mask) await uploadMask(client, captureId, mask);
        t.mark('maskUp');
        await client.call('capture.prepareFinish', { captureId, face, mask: mask !== null });
        t.mark('prepared');
        return true;
      })().catch(() => false);
    },
  });
  t.lap('vision');
  const prepared = early !== null && (await early);
  t.lap('waitPrepared');
  if (!prepared && analysed.mask) await uploadMask(client, captureId, analysed.mask);
  const finished = await client.call('capture.finishShot', { captureId, face: analysed.face, mask: analysed.mask !== null, verdict: analysed.verdict });
  t.lap('finish');
  const finishedUrl = finished.finishedUrl ? await mediaObjectUrl(client, finished.finishedUrl) : null;
  t.lap('photoDown');
  return { captureId, finishedUrl, verdict: finished.verdict, bytes: finished.bytes, timings: { ...t.ms, ...prefixed('vision.', analysed.timings) } };
}

/** Laps (since the last lap) and marks (since the start, prefixed `at.`), in ms. */
function stopwatch() {
  const ms: Record<string, number> = {};
  const start = performance.now();
  let at = start;
  return {
    ms,
    lap(name: string) {
      const now = performance.now();
      ms[name] = now - at;
      at = now;
    },
    mark(name: string) {
      ms[`at.${name}`] = performance.now() - start;
    },
  };
}

function prefixed(prefix: string, ms: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(ms).map(([k, v]) => [prefix + k, v]));
}

/**
 * Loads the still engine's models ahead of the first shot (the task list and the check-in screen call
 * it): the first student's verdict then waits for the shot, not for ~1–2 s of wasm and model loading.
 * Main's finishing needs no warming: its first run was measured as fast as its later ones.
 */
export function warmShot(): void {
  warmStillVision();
}

const RANK = { pass: 0, warn: 1, fail: 2 } as const;

/** The shot to pre-select: the best verdict, then the fewest failing and warning checks, then the latest. */
export function bestShot(shots: readonly ShotResult[]): number {
  let best = -1;
  let bestKey: [number, number, number] | null = null;
  shots.forEach((s, i) => {
    const fails = s.verdict.checks.filter((c) => c.status === 'fail').length;
    const warns = s.verdict.checks.filter((c) => c.status === 'warn').length;
    // A shot barred by a rejection is never the one to pick, whatever its verdict.
    const key: [number, number, number] = [RANK[s.verdict.status] + (s.finishedUrl ? 0 : 10) + (s.barred ? 100 : 0), fails, warns];
    if (!bestKey || key[0] < bestKey[0] || (key[0] === bestKey[0] && (key[1] < bestKey[1] || (key[1] === bestKey[1] && key[2] <= bestKey[2])))) {
      best = i;
      bestKey = key;
    }
  });
  return best;
}
