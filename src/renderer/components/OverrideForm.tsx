import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { CheckId } from '../../shared/spec/specProfile';
import type { Verdict } from '../../shared/vision/verdict';
import { inLanguage } from '../format/bilingual';
import { useLanguage } from '../hooks/useLanguage';
import { useHoldScans } from '../navigation/scanGuard';

interface Props {
  failed: CheckId[];
  verdict: Verdict;
  onSubmit: (overrides: { checkId: CheckId; reason: string }[]) => void;
  onCancel: () => void;
}

/** Accepting a photo that failed a check: one reason per failed check, each audited. */
export function OverrideForm({ failed, verdict, onSubmit, onCancel }: Props) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const [reasons, setReasons] = useState<Record<string, string>>({});
  useHoldScans();
  const complete = failed.every((id) => (reasons[id] ?? '').trim().length >= 2);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (complete) onSubmit(failed.map((checkId) => ({ checkId, reason: reasons[checkId]!.trim() })));
  };
  return (
    <form
      className="override-form"
      onSubmit={submit}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          onCancel();
        }
      }}
      data-testid="override-form"
    >
      <h2>{t('capture.overrideTitle')}</h2>
      {failed.map((id, i) => {
        const check = verdict.checks.find((c) => c.id === id);
        return (
          <label key={id} className="student-field">
            <span>{check ? inLanguage(language, check).primary : id}</span>
            <input
              value={reasons[id] ?? ''}
              onChange={(e) => setReasons((r) => ({ ...r, [id]: e.target.value }))}
              maxLength={200}
              autoFocus={i === 0}
              data-testid={`override-${id}`}
            />
          </label>
        );
      })}
      <div className="action-row">
        <button type="submit" className="button button-primary" disabled={!complete} data-testid="override-submit">
          {t('capture.overrideSubmit')}
        </button>
        <button type="button" className="button button-secondary" onClick={onCancel}>
          {t('correction.cancel')}
        </button>
      </div>
    </form>
  );
}
