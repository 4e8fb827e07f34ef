import type { CSSProperties } from 'react';
import type { LiveFeedback, LiveItem } from '../../shared/vision/liveGuidance';
import { orderedHints } from '../vision/liveHintOrder';

/** Beside the first, large instruction: up to this many more, small, so the photographer sees
 * what comes next without the panel growing over the shutter. */
const MORE_HINTS = 3;

/**
 * What the photographer calls out (the student's own screen shows the first alone, larger): the
 * most urgent instruction in large type, in HINT_PRIORITY's order, the next few small in a row
 * under it, Chinese first with the English under it (students read the one they know, no
 * toggling), or a green "hold still" once every live check passes. Styled inline: the panel is
 * self-contained and also rendered by the live bench page, which has no app stylesheet.
 *
 * For tests: data-testid="live-feedback" with data-state = waiting (no frame analysed yet) | fix |
 * good | steady (good long enough to auto-capture), data-all-good = "true" | "false", and one
 * data-testid="live-instruction" per instruction shown, with data-check and data-status.
 */
export function LiveFeedbackPanel({ feedback }: { feedback: LiveFeedback | null }) {
  const state = !feedback ? 'waiting' : feedback.steady ? 'steady' : feedback.allGood ? 'good' : 'fix';
  const [first, ...rest] = feedback ? orderedHints(feedback) : [];
  const more = rest.slice(0, MORE_HINTS);
  return (
    <div
      className="live-feedback"
      data-testid="live-feedback"
      data-state={state}
      data-all-good={feedback?.allGood ? 'true' : 'false'}
      role="status"
      aria-live="polite"
      style={{ ...PANEL, ...(state === 'good' || state === 'steady' ? GOOD : state === 'waiting' ? WAITING : FIX) }}
    >
      {state === 'waiting' && <Line zh="正在识别…" en="Looking for your face…" size={1.5} />}
      {(state === 'good' || state === 'steady') && <Line zh="很好，保持不动" en="Good, hold still" size={2.5} />}
      {state === 'fix' && first && <Instruction item={first} size={2.2} />}
      {state === 'fix' && more.length > 0 && (
        <div style={MORE}>
          {more.map((item) => (
            <Instruction key={item.id} item={item} size={1} />
          ))}
        </div>
      )}
    </div>
  );
}

function Instruction({ item, size }: { item: LiveItem; size: number }) {
  return (
    <p data-testid="live-instruction" data-check={item.id} data-status={item.status} style={{ margin: 0, color: item.status === 'fail' ? '#a4161a' : '#7a4b00' }}>
      <Line zh={item.zh} en={item.en} size={size} />
    </p>
  );
}

/** Sizes in em of the app's base (24 px on a 1080p station, ~17 px on a 768 p laptop). */
function Line({ zh, en, size }: { zh: string; en: string; size: number }) {
  return (
    <span style={{ display: 'block', lineHeight: 1.15 }}>
      <span lang="zh-CN" style={{ display: 'block', fontSize: `${size}em`, fontWeight: 700 }}>
        {zh}
      </span>
      <span lang="en" style={{ display: 'block', fontSize: `${size * 0.5}em`, fontWeight: 600 }}>
        {en}
      </span>
    </span>
  );
}

const PANEL: CSSProperties = { borderRadius: 12, border: '3px solid', padding: '0.5em 0.75em', display: 'grid', gap: '0.4em', minHeight: '4em', alignContent: 'center' };
const MORE: CSSProperties = { display: 'flex', flexWrap: 'wrap', gap: '0.3em 1.2em' };
const GOOD: CSSProperties = { background: '#ddf5e4', color: '#0f6b2f', borderColor: '#0f6b2f' };
const FIX: CSSProperties = { background: '#fff1c2', color: '#7a4b00', borderColor: '#7a4b00' };
const WAITING: CSSProperties = { background: '#eef1f6', color: '#3d4250', borderColor: '#b8c0cc' };
