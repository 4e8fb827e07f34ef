import type { SpecProfile } from '../spec/specProfile.js';
import { CHECK_MESSAGES, FINISH_UNCOVERED, unmeasured } from './checkMessages.js';
import { judge } from './evaluate.js';
import { worstStatus, type CheckResult, type OutputRegion, type Verdict } from './verdict.js';

/** What finishing measured on its own output (main's imaging/finishBackground). */
export interface FinishMeasures {
  /** finish.background: share of the output that is leftover background or uncovered filler; null without a mask. */
  background: { value: number; leftoverShare: number; uncoveredShare: number; regions: OutputRegion[] } | null;
}

const round = (v: number) => Math.round(v * 1e4) / 1e4;

/**
 * The engine's verdict completed with the checks on the finished photo, appended after CHECK_IDS
 * (the engine never sees the output), and the overall status taken again over all of them.
 */
export function withFinishChecks(v: Verdict, m: FinishMeasures, spec: SpecProfile): Verdict {
  const limit = spec.limits['finish.background'] ?? null;
  const bg = m.background;
  let check: CheckResult;
  if (!bg) {
    check = { id: 'finish.background', value: null, limit, status: 'warn', ...unmeasured(false) };
  } else {
    const value = round(bg.value);
    const status = limit ? judge(value, limit) : 'pass';
    // The filler is the shot's framing (move to the centre); leftovers are the backdrop's distance.
    const message = status === 'pass' ? CHECK_MESSAGES['finish.background'].ok : bg.uncoveredShare > bg.leftoverShare ? FINISH_UNCOVERED : CHECK_MESSAGES['finish.background'].fix;
    check = { id: 'finish.background', value, limit, status, zh: message.zh, en: message.en, ...(status === 'pass' ? {} : { regions: bg.regions }) };
  }
  const checks = [...v.checks.filter((c) => c.id !== 'finish.background'), check];
  return { specId: v.specId, status: worstStatus(checks.map((c) => c.status)), checks };
}
