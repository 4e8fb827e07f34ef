import type { CheckId } from '../../shared/spec/specProfile.js';
import type { LiveFeedback, LiveItem } from '../../shared/vision/liveGuidance.js';

/**
 * The order a photographer fixes things in, which is the order hints are read out in (issue 15):
 * someone must be there, alone, wholly in the frame, facing the camera, eyes open, mouth closed,
 * then light and exposure, and only then the fine work of distance and centring. A dark, tilted
 * face is told to straighten up and find light before it is told to come closer.
 */
export const HINT_PRIORITY: readonly CheckId[] = [
  'face.count',
  'face.in_frame',
  'pose.yaw',
  'pose.pitch',
  'pose.roll',
  'eyes.open',
  'mouth.closed',
  'light.uniform',
  'exposure',
  'head.size',
  'face.centered',
];

function rank(id: CheckId): number {
  const i = HINT_PRIORITY.indexOf(id);
  return i < 0 ? HINT_PRIORITY.length : i;
}

/** Every live problem (fail or warn), most important first; the first is the one to say aloud. */
export function orderedHints(feedback: LiveFeedback): LiveItem[] {
  return feedback.items.filter((i) => i.status !== 'pass').sort((a, b) => rank(a.id) - rank(b.id) || (a.status === b.status ? 0 : a.status === 'fail' ? -1 : 1));
}
