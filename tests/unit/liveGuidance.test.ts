import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadSpecProfiles, requireSpecProfile } from '../../src/main/spec/specProfiles.js';
import type { Limit } from '../../src/shared/spec/specProfile.js';
import { guideLive, guideTarget, STEADY_MS, topInstructions, type LiveFeedback, type LiveGuidanceState, type LiveMeasures } from '../../src/shared/vision/liveGuidance.js';

const spec = requireSpecProfile(loadSpecProfiles(), 'xuexin');
const FRAME = { width: 1280, height: 720 };
const g = guideTarget(spec, FRAME);

/** A value comfortably inside a limit, so the tests follow the profile when its numbers are tuned. */
const good = (l: Limit | undefined) => (!l ? 0 : l.kind === 'max' ? l.warn / 2 : l.warn * 1.5);
/** A value beyond a limit's fail threshold. */
const bad = (l: Limit | undefined) => (!l ? 1 : l.kind === 'max' ? l.fail * 1.5 : l.fail / 2);

/** One student placed exactly where the guide overlay wants the head, looking straight ahead;
 * `dx`/`dy` move the eyes (frame px), `k` scales the face. */
function placed(o: { dx?: number; dy?: number; k?: number; measures?: Partial<LiveMeasures> } = {}): LiveMeasures {
  const k = o.k ?? 1;
  const eyeMid = { x: g.centreX + (o.dx ?? 0), y: g.eyeY + (o.dy ?? 0) };
  return {
    frame: FRAME,
    faceCount: 1,
    face: { eyeMid, crown: { x: eyeMid.x, y: eyeMid.y - 170 * g.scale * k }, chin: { x: eyeMid.x, y: eyeMid.y + 160 * g.scale * k }, faceWidth: g.faceWidth * k, eyeLineDeg: 0 },
    pose: { roll: good(spec.limits['pose.roll']), yaw: good(spec.limits['pose.yaw']), pitch: good(spec.limits['pose.pitch']) },
    eyeOpenness: good(spec.limits['eyes.open']),
    mouthOpenness: good(spec.limits['mouth.closed']),
    lightImbalance: good(spec.limits['light.uniform']),
    exposure: good(spec.limits.exposure),
    exposureBias: 'dark',
    ...o.measures,
  };
}

const once = (m: LiveMeasures) => guideLive(m, spec, null, 0).feedback;
const problems = (f: LiveFeedback) => topInstructions(f, 99).map((i) => `${i.id}:${i.zh}`);

/** Feeds frames at 30 fps for `ms`, continuing from `state`; returns the last feedback and state. */
function run(m: LiveMeasures | ((i: number) => LiveMeasures), ms: number, from: { state: LiveGuidanceState | null; now: number } = { state: null, now: 0 }) {
  let state = from.state;
  let now = from.now;
  let feedback: LiveFeedback | null = null;
  const seen: LiveFeedback[] = [];
  for (let i = 0; now < from.now + ms; i++, now += 1000 / 30) {
    const r = guideLive(typeof m === 'function' ? m(i) : m, spec, state, now);
    state = r.state;
    feedback = r.feedback;
    seen.push(feedback);
  }
  return { feedback: feedback!, state, now, seen };
}

test('a student where the overlay wants the head passes every live check', () => {
  const f = once(placed());
  assert.deepEqual(problems(f), []);
  assert.equal(f.allGood, true);
  assert.equal(f.steady, false, 'not steady on the first frame');
  assert.ok(f.items.some((i) => i.id === 'face.count' && i.status === 'pass'));
});

test('left/right is the student’s own: a face on the picture’s right must move to the student’s right', () => {
  // The preview is not mirrored: the picture's right is the student's left.
  assert.deepEqual(problems(once(placed({ dx: 0.3 * g.window.width }))), ['face.centered:请向右移一点']);
  assert.deepEqual(problems(once(placed({ dx: -0.3 * g.window.width }))), ['face.centered:请向左移一点']);
  const slightly = once(placed({ dx: 0.12 * g.window.width })).items.find((i) => i.id === 'face.centered');
  assert.equal(slightly?.status, 'warn', 'a little off is a warning');
});

test('closer / further by the face width against the oval', () => {
  assert.deepEqual(problems(once(placed({ k: 0.6 }))), ['head.size:请靠近一点']);
  assert.deepEqual(problems(once(placed({ k: 1.5 }))), ['head.size:请后退一点']);
  assert.equal(once(placed({ k: 1.05 })).allGood, true, 'within a few per cent is fine');
});

test('up / down: eyes below the eye band → sit taller, above it (or crown out of the window) → sit lower', () => {
  const band = g.eyeBand[1] - g.eyeBand[0];
  assert.deepEqual(problems(once(placed({ dy: band }))), ['face.in_frame:请坐高一点']);
  assert.deepEqual(problems(once(placed({ dy: -band }))), ['face.in_frame:请坐低一点']);
  const high = once(placed({ dy: -0.4 * band })).items.find((i) => i.id === 'face.in_frame');
  assert.deepEqual([high?.status, high?.zh], ['warn', '请坐低一点']);
});

test('chin up / down from the pitch sign; yaw and roll ask to face the camera and straighten', () => {
  const pose = (p: Partial<NonNullable<LiveMeasures['pose']>>) => placed({ measures: { pose: { roll: 0, yaw: 0, pitch: 0, ...p } } });
  const pitch = bad(spec.limits['pose.pitch']);
  assert.deepEqual(problems(once(pose({ pitch }))), ['pose.pitch:请抬头'], 'positive pitch: chin down');
  assert.deepEqual(problems(once(pose({ pitch: -pitch }))), ['pose.pitch:请低头']);
  assert.deepEqual(problems(once(pose({ yaw: -bad(spec.limits['pose.yaw']) }))), ['pose.yaw:请正视镜头']);
  assert.deepEqual(problems(once(pose({ roll: bad(spec.limits['pose.roll']) }))), ['pose.roll:请把头摆正']);
});

test('eyes, mouth, light, and the number of people', () => {
  assert.deepEqual(problems(once(placed({ measures: { eyeOpenness: bad(spec.limits['eyes.open']) } }))), ['eyes.open:请睁开眼睛']);
  assert.deepEqual(problems(once(placed({ measures: { mouthOpenness: bad(spec.limits['mouth.closed']) } }))), ['mouth.closed:请闭上嘴巴']);
  assert.deepEqual(problems(once(placed({ measures: { lightImbalance: bad(spec.limits['light.uniform']) } }))), ['light.uniform:面部光线不均匀']);
  assert.deepEqual(problems(once(placed({ measures: { faceCount: 2 } }))), ['face.count:只能有一个人在画面中']);
  const none = once(placed({ measures: { faceCount: 0, face: null, pose: null, eyeOpenness: null, mouthOpenness: null, lightImbalance: null, exposure: null } }));
  assert.deepEqual(problems(none), ['face.count:请坐到镜头前，正对镜头']);
  assert.equal(none.allGood, false);
});

test('fails come before warnings, and the panel reads the first two', () => {
  const f = once(placed({ dx: 0.12 * g.window.width, k: 0.6, measures: { eyeOpenness: bad(spec.limits['eyes.open']) } }));
  assert.deepEqual(
    f.items.filter((i) => i.status !== 'pass').map((i) => `${i.id}:${i.status}`),
    ['head.size:fail', 'eyes.open:fail', 'face.centered:warn'],
  );
  assert.deepEqual(
    topInstructions(f).map((i) => i.zh),
    ['请靠近一点', '请睁开眼睛'],
  );
});

test('smoothing: a blink or one jittery frame does not flash a message; a lasting change does', () => {
  const start = run(placed(), 500);
  assert.equal(start.feedback.allGood, true);
  // A 130 ms blink (4 frames).
  const closed = placed({ measures: { eyeOpenness: 0 } });
  const blink = run((i) => (i < 4 ? closed : placed()), 600, start);
  assert.ok(blink.seen.every((f) => f.allGood), 'no "open your eyes" for a blink');
  // One frame far off to the side.
  const jitter = run((i) => (i === 0 ? placed({ dx: 0.4 * g.window.width }) : placed()), 300, blink);
  assert.ok(jitter.seen.every((f) => f.allGood), 'one outlier frame is smoothed away');
  // Eyes really closed.
  const shut = run(closed, 1200, jitter);
  assert.deepEqual(problems(shut.feedback), ['eyes.open:请睁开眼睛']);
  const shownAfter = shut.seen.findIndex((f) => !f.allGood);
  assert.ok(shownAfter >= 10, `shown after ${shownAfter} frames: waits out a blink`);
});

test('smoothing: hovering at a limit does not flicker the message on and off', () => {
  const limit = spec.limits['face.centered'];
  assert.ok(limit?.kind === 'max');
  // Either side of the warning threshold on alternate frames, as landmark jitter does.
  const r = run((i) => placed({ dx: (limit.warn + (i % 2 ? 0.015 : -0.015)) * g.window.width }), 2000);
  const messages = r.seen.map((f) => problems(f).join());
  const changes = messages.filter((m, i) => i > 0 && m !== messages[i - 1]).length;
  assert.ok(changes <= 1, `message changed ${changes} times`);
});

test('steady once all checks have passed for STEADY_MS, and lost at the first problem', () => {
  const before = run(placed(), STEADY_MS - 100);
  assert.equal(before.feedback.steady, false);
  const after = run(placed(), 200, before);
  assert.equal(after.feedback.steady, true);
  const moved = run(placed({ k: 0.5 }), 500, after);
  assert.deepEqual([moved.feedback.allGood, moved.feedback.steady], [false, false]);
});

test('someone else sitting down is judged at once, not averaged with the last person', () => {
  const first = run(placed(), 500);
  const other = run(placed({ dx: 0.35 * g.window.width, k: 0.6 }), 400, first);
  assert.deepEqual(problems(other.feedback), ['head.size:请靠近一点', 'face.centered:请向右移一点']);
});
