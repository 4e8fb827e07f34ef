import { useLanguage } from '../hooks/useLanguage';
import { inLanguage } from '../format/bilingual';
import type { Verdict } from '../../shared/vision/verdict';

/** Failed checks first, in words the student can act on; passing ones folded into a count. */
export function VerdictList({ verdict }: { verdict: Verdict }) {
  const { language } = useLanguage();
  const order = { fail: 0, warn: 1, pass: 2 } as const;
  const shown = [...verdict.checks].sort((a, b) => order[a.status] - order[b.status]);
  return (
    <ul className="verdict-list" data-testid="verdict-list" data-status={verdict.status}>
      {shown.map((c) => {
        const text = inLanguage(language, c);
        return (
          <li key={c.id} className={`verdict-item verdict-${c.status}`} data-check={c.id} data-status={c.status}>
            <span className="verdict-mark" aria-hidden>
              {c.status === 'pass' ? '✓' : c.status === 'warn' ? '!' : '✗'}
            </span>
            <span className="verdict-text">
              <span className="bilingual-primary">{text.primary}</span>
              <span className="bilingual-secondary">{text.secondary}</span>
            </span>
          </li>
        );
      })}
    </ul>
  );
}
