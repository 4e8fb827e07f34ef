/**
 * shutterBench.html: a webcam shot exactly as the capture screen takes it after the camera (the still
 * POSTed to the station, then processShot), on the station's own web shell and RPC session, for
 * bench/shutter/run.ts. Beside it, `sequential`: the same round trip with each step waiting for the
 * one before (the shape processShot had before issue 18's overlap), so one run compares the two on
 * the same machine, shot by shot.
 */
import { z } from 'zod';
import type { SpecProfile } from '../shared/spec/specProfile';
import type { RpcClient } from '../shared/rpc/client';
import { processShot, warmShot, type ShotResult } from './capture/processShot';
import { fetchPixels, mediaObjectUrl, uploadMask, uploadStill } from './capture/stillMedia';
import { selectTransport } from './rpc/selectTransport';
import { analyseStill } from './vision/analyseStill';

// Zod's JIT probes `new Function`, which the CSP refuses (as in main.tsx).
z.config({ jitless: true });

export interface BenchShot {
  store: number;
  fromDisk: number;
  timings: Record<string, number>;
  verdict: string;
  checks: Record<string, string>;
  bytes: number | null;
}

declare global {
  interface Window {
    shutterBench: {
      open(pin: string, taskCode: string, stillBase64: string): Promise<void>;
      warm(): void;
      shot(path: 'sequential' | 'kiosk'): Promise<BenchShot>;
    };
    shutterBenchReady?: boolean;
  }
}

let client: RpcClient | null = null;
let spec: SpecProfile | null = null;
let orderId = '';
let still: Blob | null = null;

function fromBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Each step waiting for the one before: stillAnalysis, the copy, vision, the mask, finishShot, the photo. */
async function sequential(c: RpcClient, s: SpecProfile, captureId: string): Promise<ShotResult> {
  const ms: Record<string, number> = {};
  let at = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    ms[name] = now - at;
    at = now;
  };
  const image = await c.call('capture.stillAnalysis', { captureId });
  const copy = await fetchPixels(c, image.url, image.width, image.height);
  lap('copy');
  const analysed = await analyseStill(copy, s);
  lap('vision');
  if (analysed.mask) await uploadMask(c, captureId, analysed.mask);
  lap('maskUp');
  const finished = await c.call('capture.finishShot', { captureId, face: analysed.face, mask: analysed.mask !== null, verdict: analysed.verdict });
  lap('finish');
  const finishedUrl = finished.finishedUrl ? await mediaObjectUrl(c, finished.finishedUrl) : null;
  lap('photoDown');
  for (const [k, v] of Object.entries(analysed.timings)) ms[`vision.${k}`] = v;
  return { captureId, finishedUrl, verdict: finished.verdict, bytes: finished.bytes, timings: ms };
}

window.shutterBench = {
  async open(pin, taskCode, stillBase64) {
    const selected = selectTransport(window);
    if (selected.kind !== 'ready') throw new Error('no #secret= in the page URL');
    client = selected.station.client;
    await client.call('auth.login', { pin });
    const [student] = (await client.call('students.search', { taskCode, query: '2022' })).students;
    if (!student) throw new Error('no student to check in');
    orderId = (await client.call('checkin.confirm', { taskCode, studentId: student.id })).orderId;
    spec = (await client.call('capture.begin', { orderId })).spec;
    still = new Blob([fromBase64(stillBase64)], { type: 'image/jpeg' });
  },
  warm() {
    warmShot();
  },
  async shot(path) {
    if (!client || !spec || !still) throw new Error('shutterBench.open first');
    const t0 = performance.now();
    const { captureId } = await uploadStill(client, orderId, still);
    const t1 = performance.now();
    const r = path === 'kiosk' ? await processShot(client, spec, captureId) : await sequential(client, spec, captureId);
    // On screen: the photo decoded, as the <img> shows it.
    if (r.finishedUrl) {
      const img = new Image();
      img.src = r.finishedUrl;
      await img.decode();
      URL.revokeObjectURL(r.finishedUrl);
    }
    const t2 = performance.now();
    return {
      store: t1 - t0,
      fromDisk: t2 - t1,
      timings: r.timings ?? {},
      verdict: r.verdict.status,
      checks: Object.fromEntries(r.verdict.checks.map((k) => [k.id, k.status])),
      bytes: r.bytes,
    };
  },
};
window.shutterBenchReady = true;
