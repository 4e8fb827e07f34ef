import { useEffect, useRef, useState } from 'react';
import type { SpecProfile } from '../../shared/spec/specProfile';
import { guideLive, type LiveFeedback, type LiveGuidanceState, type LiveMeasures } from '../../shared/vision/liveGuidance';
import type { LiveTimings, LiveVisionConfig, LiveVisionRequest, LiveVisionResponse } from './liveVisionProtocol';

/**
 * Frame accounting, counted from the first analysed frame on (loading the model is not dropping):
 * - framesSeen: camera frames the video element presented, from requestVideoFrameCallback's
 *   `presentedFrames` counter — so frames presented while the UI thread was too busy to run the
 *   callback are counted too.
 * - framesAnalysed: frames whose measures came back from the worker.
 * - framesDropped: frames seen that will never be analysed: presented without a callback seeing
 *   them, replaced in the waiting slot by a newer frame before the worker was free, or failed in
 *   the worker. framesSeen = framesAnalysed + framesDropped + (0–2 frames in flight or waiting).
 * - fps: frames analysed per second over the last second.
 */
export interface LiveVisionStats {
  fps: number;
  framesSeen: number;
  framesAnalysed: number;
  framesDropped: number;
}

export interface LiveVisionTuning {
  /** Overrides of the worker's speed/accuracy trade-offs (DEFAULT_CONFIG), for the bench. */
  config?: Partial<LiveVisionConfig>;
  /** Every analysed frame, for the bench: worker stage times and frame-to-result latency. */
  onAnalysed?(info: { measures: LiveMeasures; timings: LiveTimings; latencyMs: number }): void;
  /** The running loop, for the bench to read exact counters. */
  onStart?(loop: LiveVisionLoop): void;
}

/** Chosen with bench/live on this 2-core machine (see the bench's output for the figures). */
export const DEFAULT_CONFIG: LiveVisionConfig = { cropPx: 256, detectSide: 320, detectEvery: 6, lightEvery: 3 };
const STATS_EVERY_MS = 1000;

let worker: Worker | null = null;
/** Unique across loops, so a reply to a stopped loop's frame is not taken for the next loop's. */
let nextSeq = 1;

/** Started on first use and kept, like the still worker: the model stays loaded between students. */
function getWorker(assetBase: string, tuning: LiveVisionTuning): Worker {
  const init: LiveVisionRequest = { type: 'init', assetBase, config: { ...DEFAULT_CONFIG, ...tuning.config } };
  if (!worker) worker = new Worker(new URL('./liveVisionWorker.ts', import.meta.url), { type: 'module', name: 'live-vision' });
  // Sent on every start: the worker loads once and takes the new tuning each time.
  worker.postMessage(init);
  return worker;
}

export function disposeLiveVision(): void {
  worker?.terminate();
  worker = null;
}

export interface LiveVisionLoop {
  stop(): void;
  stats(): LiveVisionStats;
}

interface Waiting {
  frame: VideoFrame | ImageBitmap;
  at: number;
}

/**
 * The live loop without React: every presented camera frame is seen through
 * requestVideoFrameCallback; at most one frame is in the worker and at most one waits (the newest:
 * an older waiting frame is dropped for it). The UI thread only wraps the frame (VideoFrame, no
 * copy) and posts it; scaling, the model and the measures all run in the worker.
 */
export function startLiveVision(
  video: HTMLVideoElement,
  handlers: { onResult(measures: LiveMeasures, at: number): void; onStats?(stats: LiveVisionStats): void; onError?(message: string): void },
  tuning: LiveVisionTuning = {},
  assetBase = new URL('./', document.baseURI).href,
): LiveVisionLoop {
  const w = getWorker(assetBase, tuning);
  let stopped = false;
  let counting = false;
  let seen = 0;
  let analysed = 0;
  let dropped = 0;
  let lastPresented: number | null = null;
  let inFlight: { seq: number; at: number } | null = null;
  let waiting: Waiting | null = null;
  const resultTimes: number[] = [];

  const stats = (): LiveVisionStats => {
    const now = performance.now();
    while (resultTimes.length > 0 && resultTimes[0]! < now - 1000) resultTimes.shift();
    return { fps: resultTimes.length, framesSeen: seen, framesAnalysed: analysed, framesDropped: dropped };
  };

  const send = (f: Waiting) => {
    const seq = nextSeq++;
    inFlight = { seq, at: f.at };
    const msg: LiveVisionRequest = { type: 'frame', seq, timestampMs: f.at, frame: f.frame };
    w.postMessage(msg, [f.frame]);
  };

  const onMessage = (event: MessageEvent<LiveVisionResponse>) => {
    const msg = event.data;
    if (stopped || msg.type === 'ready') return;
    if (msg.type === 'failed' && msg.seq === null) {
      handlers.onError?.(msg.message);
      stop();
      disposeLiveVision();
      return;
    }
    if (!inFlight || msg.seq !== inFlight.seq) return;
    const sentAt = inFlight.at;
    inFlight = null;
    const now = performance.now();
    if (msg.type === 'result') {
      if (!counting) {
        // The first result: the model is loaded; count from here (this frame and any waiting one).
        counting = true;
        seen = waiting ? 2 : 1;
      }
      analysed++;
      resultTimes.push(now);
      tuning.onAnalysed?.({ measures: msg.measures, timings: msg.timings, latencyMs: now - sentAt });
      handlers.onResult(msg.measures, now);
    } else if (counting) {
      dropped++;
    }
    if (waiting && !stopped) {
      const next = waiting;
      waiting = null;
      send(next);
    }
  };
  const onError = (event: ErrorEvent) => {
    handlers.onError?.(event.message || 'live-vision worker error');
    stop();
    disposeLiveVision();
  };
  w.addEventListener('message', onMessage);
  w.addEventListener('error', onError);

  const grab = (at: number): VideoFrame | null => {
    try {
      // Wraps the decoded camera frame: no pixel copy on the UI thread; the worker scales it.
      return new VideoFrame(video, { timestamp: Math.round(at * 1000) });
    } catch {
      return null; // no frame yet (or a frame the browser cannot wrap): skip it
    }
  };

  let handle = 0;
  const onFrame = (at: number, meta: VideoFrameCallbackMetadata) => {
    if (stopped) return;
    handle = video.requestVideoFrameCallback(onFrame);
    const delta = lastPresented === null ? 1 : Math.max(1, meta.presentedFrames - lastPresented);
    lastPresented = meta.presentedFrames;
    if (counting) {
      seen += delta;
      dropped += delta - 1;
    }
    const frame = grab(at);
    if (!frame) {
      if (counting) dropped++;
      return;
    }
    if (!inFlight) {
      send({ frame, at });
    } else {
      if (waiting) {
        waiting.frame.close();
        if (counting) dropped++;
      }
      waiting = { frame, at };
    }
  };
  handle = video.requestVideoFrameCallback(onFrame);

  const timer = handlers.onStats ? setInterval(() => handlers.onStats?.(stats()), STATS_EVERY_MS) : null;

  function stop() {
    if (stopped) return;
    stopped = true;
    video.cancelVideoFrameCallback(handle);
    if (timer) clearInterval(timer);
    waiting?.frame.close();
    waiting = null;
    w.removeEventListener('message', onMessage);
    w.removeEventListener('error', onError);
  }
  return { stop, stats };
}

const EMPTY_STATS: LiveVisionStats = { fps: 0, framesSeen: 0, framesAnalysed: 0, framesDropped: 0 };

/** Re-render only when what the student reads (or the auto-capture edge) changes, not every frame. */
const feedbackKey = (f: LiveFeedback) => `${f.allGood}|${f.steady}|${f.items.map((i) => `${i.id}:${i.status}:${i.zh}`).join(',')}`;

/**
 * Live guidance on the preview while `enabled`: the landmarker in a worker on every camera frame it
 * can keep up with, judged against `spec` (smoothed: see guideLive). `feedback` is null until the
 * first frame is analysed (the model loads in ~1 s) and while disabled. `stats` updates once a
 * second. `tuning` is read when the loop starts (for the bench).
 */
export function useLiveVision(
  video: HTMLVideoElement | null,
  spec: SpecProfile | null,
  enabled: boolean,
  tuning?: LiveVisionTuning,
): { feedback: LiveFeedback | null; stats: LiveVisionStats; error: string | null } {
  const [feedback, setFeedback] = useState<LiveFeedback | null>(null);
  const [stats, setStats] = useState<LiveVisionStats>(EMPTY_STATS);
  const [error, setError] = useState<string | null>(null);
  const tuningRef = useRef(tuning);
  tuningRef.current = tuning;

  useEffect(() => {
    setFeedback(null);
    if (!video || !spec || !enabled) return;
    setError(null);
    let state: LiveGuidanceState | null = null;
    let shown = '';
    const loop = startLiveVision(
      video,
      {
        onResult(measures, at) {
          const r = guideLive(measures, spec, state, at);
          state = r.state;
          const key = feedbackKey(r.feedback);
          if (key !== shown) {
            shown = key;
            setFeedback(r.feedback);
          }
        },
        onStats: setStats,
        onError: setError,
      },
      tuningRef.current ?? {},
    );
    tuningRef.current?.onStart?.(loop);
    return () => loop.stop();
  }, [video, spec, enabled]);

  return { feedback, stats, error };
}
