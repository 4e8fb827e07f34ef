/**
 * liveBench.html: the live guidance exactly as the capture screen runs it (useLiveVision +
 * LiveFeedbackPanel over a <video> of the camera), instrumented for bench/live/run.ts, which opens
 * it in Chromium with a fake camera. window.liveBench.start() opens the camera and mounts the
 * hook; snapshot() returns exact frame counters, per-frame worker timings and UI-thread stalls
 * since the last reset().
 */
import { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { z } from 'zod';
import { SpecProfile } from '../shared/spec/specProfile';
import type { LiveFeedback, LiveMeasures } from '../shared/vision/liveGuidance';
import { LiveFeedbackPanel } from './components/LiveFeedbackPanel';
import type { LiveTimings, LiveVisionConfig } from './vision/liveVisionProtocol';
import { useLiveVision, type LiveVisionLoop, type LiveVisionStats, type LiveVisionTuning } from './vision/useLiveVision';

// Zod's JIT probes `new Function`, which the CSP refuses (as in main.tsx).
z.config({ jitless: true });

export interface LiveBenchSnapshot {
  /** performance.now() of the snapshot and of the last reset. */
  at: number;
  since: number;
  stats: LiveVisionStats;
  /** The camera track's own counters where Chromium has MediaStreamTrack.stats. */
  track: { totalFrames: number; deliveredFrames: number; discardedFrames: number } | null;
  video: { width: number; height: number };
  timings: LiveTimings[];
  latencyMs: number[];
  /** Gaps between animation frames on the UI thread, ms, and long tasks (> 50 ms) it ran. */
  rafGapsMs: number[];
  longTasks: number;
  longTaskMs: number;
  firstFeedbackMs: number | null;
  feedback: LiveFeedback | null;
  lastMeasures: LiveMeasures | null;
  error: string | null;
}

declare global {
  interface Window {
    liveBench: {
      start(specJson: string, config: Partial<LiveVisionConfig>): Promise<void>;
      reset(): void;
      snapshot(): LiveBenchSnapshot;
    };
  }
}

let loop: LiveVisionLoop | null = null;
let started = 0;
let since = 0;
let timings: LiveTimings[] = [];
let latencyMs: number[] = [];
let rafGapsMs: number[] = [];
let longTasks = 0;
let longTaskMs = 0;
let firstFeedbackMs: number | null = null;
let feedback: LiveFeedback | null = null;
let lastMeasures: LiveMeasures | null = null;
let error: string | null = null;
let stream: MediaStream | null = null;
let videoEl: HTMLVideoElement | null = null;

function Bench({ spec, tuning }: { spec: SpecProfile; tuning: LiveVisionTuning }) {
  const [video, setVideo] = useState<HTMLVideoElement | null>(null);
  const live = useLiveVision(video, spec, true, tuning);
  useEffect(() => {
    if (!video) return;
    videoEl = video;
    video.srcObject = stream;
  }, [video]);
  useEffect(() => {
    feedback = live.feedback;
    if (live.feedback && firstFeedbackMs === null) firstFeedbackMs = performance.now() - started;
  }, [live.feedback]);
  useEffect(() => {
    error = live.error;
  }, [live.error]);
  return (
    <div style={{ display: 'grid', gridTemplateColumns: '640px 1fr', gap: 16, padding: 16 }}>
      <video ref={setVideo} autoPlay muted playsInline style={{ width: 640 }} />
      <LiveFeedbackPanel feedback={live.feedback} />
    </div>
  );
}

function watchUiThread(): void {
  let last = performance.now();
  const tick = (t: number) => {
    rafGapsMs.push(t - last);
    last = t;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        longTasks++;
        longTaskMs += e.duration;
      }
    }).observe({ type: 'longtask', buffered: false });
  } catch {
    // no Long Tasks API: the rAF gaps still show stalls
  }
}

window.liveBench = {
  async start(specJson, config) {
    const spec = SpecProfile.parse(JSON.parse(specJson));
    stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: false });
    started = performance.now();
    since = started;
    watchUiThread();
    const tuning: LiveVisionTuning = {
      config,
      onStart: (l) => (loop = l),
      onAnalysed: (info) => {
        timings.push(info.timings);
        latencyMs.push(info.latencyMs);
        lastMeasures = info.measures;
      },
    };
    const root = document.getElementById('root');
    if (!root) throw new Error('no #root');
    createRoot(root).render(<Bench spec={spec} tuning={tuning} />);
  },
  reset() {
    since = performance.now();
    timings = [];
    latencyMs = [];
    rafGapsMs = [];
    longTasks = 0;
    longTaskMs = 0;
  },
  snapshot() {
    const track = stream?.getVideoTracks()[0] as (MediaStreamTrack & { stats?: { totalFrames: number; deliveredFrames: number; discardedFrames: number } }) | undefined;
    const s = track?.stats;
    return {
      at: performance.now(),
      since,
      stats: loop?.stats() ?? { fps: 0, framesSeen: 0, framesAnalysed: 0, framesDropped: 0 },
      track: s ? { totalFrames: s.totalFrames, deliveredFrames: s.deliveredFrames, discardedFrames: s.discardedFrames } : null,
      video: { width: videoEl?.videoWidth ?? 0, height: videoEl?.videoHeight ?? 0 },
      timings,
      latencyMs,
      rafGapsMs,
      longTasks,
      longTaskMs,
      firstFeedbackMs,
      feedback,
      lastMeasures,
      error,
    };
  },
};
