#!/usr/bin/env node
// Proves the built models work in Debian Chromium with @mediapipe/tasks-vision from node_modules,
// offline: a page on 127.0.0.1 runs FaceDetector, FaceLandmarker and ImageSegmenter on the shared
// portraits; every request not to 127.0.0.1 is blocked and counted (so telemetry would show up).
// CLI: node scripts/build-models/verify.mjs [--chromium PATH] [--models DIR] [--tasks-vision DIR] [--json];
// exits 1 on any failure.
// Library: verifyModels({ chromiumPath }) → report (report.ok, report.failures); includeRaw: true adds
// the page's raw results (landmarks, detections) as report.raw.
import { readFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '../..');
const require = createRequire(import.meta.url);

export const DEFAULTS = {
  chromiumPath: '/usr/bin/chromium',
  modelsDir: join(REPO, 'resources/models'),
  // ../shared/testdata next to the checkout; CC_TESTDATA overrides for other layouts (as the tests do).
  portraitsDir: process.env.CC_TESTDATA ? resolve(process.env.CC_TESTDATA, 'faces/portraits') : resolve(REPO, '../shared/testdata/faces/portraits'),
  portraits: ['portrait-a.jpg', 'portrait-b.jpg', 'portrait-c.jpg'],
  runs: 5,
  timeoutMs: 180_000,
};
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
// tasks-vision 1.x posts usage logs here; 0.10.x must not contain it.
export const TELEMETRY_ENDPOINT = 'odml.pa.googleapis.com';

// MediaPipe face mesh indices. "Left" follows MediaPipe's naming (landmark 33 side, iris 468).
const EYE = {
  left: { iris: 468, corners: [33, 133], lids: [[160, 144], [158, 153]], contour: [33, 7, 163, 144, 145, 153, 154, 155, 133, 246, 161, 160, 159, 158, 157, 173] },
  right: { iris: 473, corners: [362, 263], lids: [[385, 380], [387, 373]], contour: [263, 249, 390, 373, 374, 380, 381, 382, 362, 466, 388, 387, 386, 385, 384, 398] },
};
const NOSE_TIP = 1;

/** tasksVisionDir defaults to the installed package; another copy can be checked by passing its folder. */
export function tasksVisionInfo(tasksVisionDir) {
  const dir = tasksVisionDir ?? dirname(require.resolve('@mediapipe/tasks-vision'));
  const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const files = ['vision_bundle.mjs', 'vision_bundle.cjs', 'wasm/vision_wasm_internal.js', 'wasm/vision_wasm_nosimd_internal.js', 'wasm/vision_wasm_internal.wasm'];
  const telemetryIn = files.filter((f) => existsSync(join(dir, f)) && readFileSync(join(dir, f)).includes(TELEMETRY_ENDPOINT));
  return { dir, version, telemetryIn };
}

const dist = (a, b) => Math.hypot(a[0] - b[0], a[1] - b[1]);
const mean = (pts) => [pts.reduce((s, p) => s + p[0], 0) / pts.length, pts.reduce((s, p) => s + p[1], 0) / pts.length];

/** Landmark numbers for one face: iris placement, eye aspect ratio, pose from the transformation matrix. */
export function landmarkMetrics(landmarks, width, height, matrix) {
  const px = (i) => [landmarks[i][0] * width, landmarks[i][1] * height];
  const eyes = {};
  for (const [side, e] of Object.entries(EYE)) {
    const contour = e.contour.map(px);
    const eyeWidth = dist(px(e.corners[0]), px(e.corners[1]));
    const centre = px(e.iris);
    const xs = contour.map((p) => p[0]);
    const ys = contour.map((p) => p[1]);
    const slack = 0.25 * eyeWidth; // iris edges may sit under the lids, a little outside the contour
    const contourZ = e.contour.reduce((s, i) => s + landmarks[i][2], 0) / e.contour.length;
    eyes[side] = {
      // Iris centre to eye-contour centroid, as a fraction of eye width (0 = centred).
      irisOffset: dist(centre, mean(contour)) / eyeWidth,
      irisInsideContourBox: centre[0] >= Math.min(...xs) && centre[0] <= Math.max(...xs) && centre[1] >= Math.min(...ys) && centre[1] <= Math.max(...ys),
      // Mean centre-to-edge distance of the 4 iris edge points, as a fraction of eye width.
      irisRadius: [1, 2, 3, 4].reduce((s, k) => s + dist(centre, px(e.iris + k)), 0) / 4 / eyeWidth,
      irisEdgesNearEye: [1, 2, 3, 4].every((k) => {
        const [x, y] = px(e.iris + k);
        return x >= Math.min(...xs) - slack && x <= Math.max(...xs) + slack && y >= Math.min(...ys) - slack && y <= Math.max(...ys) + slack;
      }),
      // The merged model sets all 5 iris z to the mean z of the 16 contour points: checks the MEAN/GATHER wiring.
      irisDepthError: Math.max(...[0, 1, 2, 3, 4].map((k) => Math.abs(landmarks[e.iris + k][2] - contourZ))),
      // Eye aspect ratio (Soukupová & Čech): (|p2-p6| + |p3-p5|) / (2 |p1-p4|), in pixels.
      ear: (dist(px(e.lids[0][0]), px(e.lids[0][1])) + dist(px(e.lids[1][0]), px(e.lids[1][1]))) / (2 * eyeWidth),
      eyeWidthPx: eyeWidth,
    };
  }
  return { eyes, pose: matrix ? poseFromMatrix(matrix) : null };
}

/** tasks-vision gives the 4×4 facial transformation as 16 numbers; MediaPipe stores it column-major. */
export function poseFromMatrix({ rows, columns, data }) {
  if (rows !== 4 || columns !== 4 || data.length !== 16 || !data.every(Number.isFinite)) return { valid: false };
  const m = (r, c) => data[c * 4 + r];
  const det3 =
    m(0, 0) * (m(1, 1) * m(2, 2) - m(1, 2) * m(2, 1)) - m(0, 1) * (m(1, 0) * m(2, 2) - m(1, 2) * m(2, 0)) + m(0, 2) * (m(1, 0) * m(2, 1) - m(1, 1) * m(2, 0));
  const deg = 180 / Math.PI;
  return {
    valid: true,
    scale: Math.cbrt(det3),
    translation: [m(0, 3), m(1, 3), m(2, 3)],
    pitch: Math.atan2(m(2, 1), m(2, 2)) * deg,
    yaw: Math.asin(-Math.max(-1, Math.min(1, m(2, 0)))) * deg,
    roll: Math.atan2(m(1, 0), m(0, 0)) * deg,
  };
}

/** Turns the page's raw numbers into per-portrait metrics and a list of failures. */
export function judge(raw) {
  const failures = [];
  for (const m of raw.models) if (m.error) failures.push(`${m.label}: failed to load: ${m.error}`);
  const portraits = raw.portraits.map((p) => {
    const out = { file: p.file, width: p.width, height: p.height, msAt640x480: p.msAt640x480 };
    const fail = (what) => failures.push(`${p.file}: ${what}`);
    for (const label of ['face_detector', 'face_detector_full_range']) {
      const d = p[label];
      if (!d) continue;
      if (d.error) fail(`${label}: ${d.error}`);
      else {
        const scores = d.detections.map((x) => x.score);
        out[label] = { faces: d.detections.length, scores, box: d.detections[0]?.box, ms: d.ms, firstMs: d.firstMs };
        if (d.detections.length < 1) fail(`${label}: no face found`);
      }
    }
    const l = p.face_landmarker;
    if (!l) fail('face_landmarker: not run');
    else if (l.error) fail(`face_landmarker: ${l.error}`);
    else {
      const metrics = l.landmarks.length ? landmarkMetrics(l.landmarks, p.width, p.height, l.matrix) : null;
      out.face_landmarker = { faces: l.faces, landmarks: l.landmarks.length, matrixPresent: Boolean(l.matrix), ...metrics, ms: l.ms, firstMs: l.firstMs };
      if (l.landmarks.length !== 478) fail(`face_landmarker: ${l.landmarks.length} landmarks, expected 478`);
      if (!l.matrix || !metrics?.pose?.valid) fail('face_landmarker: no valid facial transformation matrix');
      for (const [side, e] of Object.entries(metrics?.eyes ?? {})) {
        // An open eye's iris centre lies near the contour centroid; 0.25 eye widths allows for gaze.
        if (!(e.irisOffset < 0.25 && e.irisInsideContourBox)) fail(`face_landmarker: ${side} iris centre off the eye (offset ${e.irisOffset.toFixed(3)})`);
        if (!(e.irisRadius > 0.1 && e.irisRadius < 0.35)) fail(`face_landmarker: ${side} iris radius ${e.irisRadius.toFixed(3)} of eye width is implausible`);
        if (!e.irisEdgesNearEye) fail(`face_landmarker: ${side} iris edge points lie away from the eye`);
        if (!(e.irisDepthError < 1e-4)) fail(`face_landmarker: ${side} iris z differs from the eye-contour mean z by ${e.irisDepthError}`);
      }
      const box = out.face_detector?.box;
      const nose = l.landmarks[NOSE_TIP];
      if (box && nose) {
        const [x, y] = [nose[0] * p.width, nose[1] * p.height];
        out.face_landmarker.noseInDetectorBox = x >= box.x && x <= box.x + box.w && y >= box.y && y <= box.y + box.h;
        if (!out.face_landmarker.noseInDetectorBox) fail('landmarker nose tip lies outside the detector box');
      }
    }
    const s = p.selfie_segmenter;
    if (!s) fail('selfie_segmenter: not run');
    else if (s.error) fail(`selfie_segmenter: ${s.error}`);
    else {
      out.selfie_segmenter = s;
      if (!(s.foregroundFraction > 0.05 && s.foregroundFraction < 0.95)) fail(`selfie_segmenter: foreground fraction ${s.foregroundFraction.toFixed(3)}`);
      if (s.atNose !== null && !(s.atNose > 0.5)) fail(`selfie_segmenter: person probability at the nose is ${s.atNose}`);
    }
    return out;
  });
  return { failures, portraits };
}

const TYPES = { '.html': 'text/html', '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm', '.jpg': 'image/jpeg' };

/** Static server on 127.0.0.1: the page, tasks-vision, the models and the portraits, nothing else. */
function serve(roots) {
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><meta charset="utf-8"><script type="module" src="/verify-page.mjs"></script>');
      return;
    }
    const [, prefix, ...rest] = decodeURIComponent(url.pathname).split('/');
    const root = roots[prefix];
    const file = root && normalize(join(root, ...rest));
    if (!file || !(file === root || file.startsWith(root + sep)) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

export async function verifyModels(options = {}) {
  const o = { ...DEFAULTS, ...options };
  const tv = tasksVisionInfo(o.tasksVisionDir);
  const models = {
    detector: 'face_detector.tflite',
    detectorFullRange: existsSync(join(o.modelsDir, 'face_detector_full_range.tflite')) ? 'face_detector_full_range.tflite' : null,
    landmarker: 'face_landmarker.task',
    segmenter: 'selfie_segmenter.tflite',
  };
  const server = await serve({
    'verify-page.mjs': join(HERE, 'verify-page.mjs'),
    'tasks-vision': tv.dir,
    models: o.modelsDir,
    portraits: o.portraitsDir,
  });
  const origin = `http://127.0.0.1:${server.address().port}`;
  const blocked = [];
  const console_ = [];
  let browser;
  try {
    browser = await chromium.launch({ executablePath: o.chromiumPath, args: CHROMIUM_ARGS, headless: true });
    const context = await browser.newContext({ serviceWorkers: 'block' });
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.hostname === '127.0.0.1') return route.continue();
      blocked.push(route.request().url());
      return route.abort('blockedbyclient');
    });
    const page = await context.newPage();
    page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && console_.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => console_.push(`pageerror: ${e.message}`));
    await page.goto(origin + '/');
    await page.waitForFunction(() => window.verificationReady === true, null, { timeout: 30_000 });
    let timer;
    const raw = await Promise.race([
      page.evaluate((cfg) => window.runVerification(cfg), { models, portraits: o.portraits, runs: o.runs }),
      new Promise((_, no) => (timer = setTimeout(() => no(new Error(`verification page took over ${o.timeoutMs} ms`)), o.timeoutMs))),
    ]).finally(() => clearTimeout(timer));
    // tasks-vision 1.x also posts on close(): give any such request time to show up.
    await page.waitForTimeout(1500);
    await context.close();
    const { failures, portraits } = judge(raw);
    if (portraits.length !== o.portraits.length) failures.push(`${portraits.length} of ${o.portraits.length} portraits were run`);
    if (tv.telemetryIn.length) failures.push(`tasks-vision ${tv.version} contains ${TELEMETRY_ENDPOINT} in ${tv.telemetryIn.join(', ')}`);
    if (blocked.length) failures.push(`requests left 127.0.0.1: ${blocked.join(', ')}`);
    return {
      ok: failures.length === 0,
      failures,
      tasksVision: { version: tv.version, telemetryEndpointFound: tv.telemetryIn.length > 0 },
      chromium: browser.version(),
      models: raw.models,
      portraits,
      blockedRequests: blocked,
      console: console_,
      ...(o.includeRaw ? { raw } : {}),
    };
  } finally {
    await browser?.close();
    server.close();
  }
}

// Messages tasks-vision logs on every start under software GL; report.console keeps them all.
const BENIGN_CONSOLE = /OpenGL error checking is disabled|Created TensorFlow Lite XNNPACK delegate|Feedback manager requires a model|GPU stall due to ReadPixels/;

const f1 = (x) => (typeof x === 'number' ? x.toFixed(1) : '-');
const f3 = (x) => (typeof x === 'number' ? x.toFixed(3) : '-');

export function formatReport(r) {
  const lines = [`tasks-vision ${r.tasksVision.version} (telemetry endpoint in bundle: ${r.tasksVision.telemetryEndpointFound ? 'YES' : 'no'}), Chromium ${r.chromium}`];
  for (const m of r.models) lines.push(`  ${m.label}: ${m.error ? 'FAILED ' + m.error : `loaded in ${f1(m.loadMs)} ms`}`);
  for (const p of r.portraits) {
    lines.push(`${p.file} (${p.width}×${p.height})`);
    for (const label of ['face_detector', 'face_detector_full_range']) {
      const d = p[label];
      if (d) lines.push(`  ${label}: ${d.faces} face(s), score ${d.scores.map(f3).join(' / ')}, ${f1(d.ms)} ms/call (first ${f1(d.firstMs)})`);
    }
    const l = p.face_landmarker;
    if (l) {
      const e = l.eyes ?? {};
      lines.push(`  face_landmarker: ${l.faces} face(s), ${l.landmarks} landmarks, ${f1(l.ms)} ms/call (first ${f1(l.firstMs)}), nose in detector box: ${l.noseInDetectorBox ?? '-'}`);
      for (const side of ['left', 'right']) {
        if (e[side]) lines.push(`    ${side} eye: iris offset ${f3(e[side].irisOffset)} eye widths (inside contour box: ${e[side].irisInsideContourBox}), iris radius ${f3(e[side].irisRadius)}, iris z − contour mean z ${e[side].irisDepthError.toExponential(1)}, EAR ${f3(e[side].ear)}`);
      }
      const pose = l.pose;
      lines.push(`    transformation matrix: ${l.matrixPresent ? `present, yaw ${f1(pose?.yaw)}° pitch ${f1(pose?.pitch)}° roll ${f1(pose?.roll)}°, translation [${pose?.translation?.map(f1).join(', ')}], scale ${f3(pose?.scale)}` : 'MISSING'}`);
    }
    const s = p.selfie_segmenter;
    if (s) lines.push(`  selfie_segmenter: mask ${s.width}×${s.height}, foreground ${f3(s.foregroundFraction)}, p(person) at nose ${f3(s.atNose)}, at top corners ${s.atTopCorners?.map(f3).join('/')}, ${f1(s.ms)} ms/call (first ${f1(s.firstMs)})`);
    if (p.msAt640x480) lines.push(`  ms/call on a 640×480 frame: ${Object.entries(p.msAt640x480).map(([k, v]) => `${k} ${f1(v)}`).join(', ')}`);
  }
  lines.push(`requests blocked (not 127.0.0.1): ${r.blockedRequests.length}`);
  const shown = r.console.filter((c) => !BENIGN_CONSOLE.test(c));
  if (shown.length) lines.push('browser console:', ...shown.map((c) => '  ' + c.slice(0, 300)));
  lines.push(`browser console: ${r.console.length - shown.length} routine message(s) not shown (XNNPACK, GL, feedback manager)`);
  lines.push(r.ok ? 'OK' : `FAILED:\n  ${r.failures.join('\n  ')}`);
  return lines.join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { chromium: { type: 'string' }, models: { type: 'string' }, 'tasks-vision': { type: 'string' }, json: { type: 'boolean' } },
  });
  try {
    const report = await verifyModels({
      ...(values.chromium ? { chromiumPath: values.chromium } : {}),
      ...(values.models ? { modelsDir: resolve(values.models) } : {}),
      ...(values['tasks-vision'] ? { tasksVisionDir: resolve(values['tasks-vision']) } : {}),
    });
    console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
    process.exitCode = report.ok ? 0 : 1;
  } catch (e) {
    console.error(e);
    process.exitCode = 1;
  }
}
