import { useId } from 'react';
import { useTranslation } from 'react-i18next';

/** A calendar date that exists, written the way the manifest and the report write it. */
export function isIsoDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

interface Props {
  label: string;
  value: string;
  onChange: (value: string) => void;
  testId: string;
}

/**
 * A date as YYYY-MM-DD whatever the browser's locale: Chromium's date input shows 12/07/2026 in an
 * English profile, which reads as July to a Chinese site manager. A wrong value is said at the field.
 */
export function DateField({ label, value, onChange, testId }: Props) {
  const { t } = useTranslation();
  const hintId = useId();
  const bad = !isIsoDate(value);
  return (
    <label className="manager-field">
      {label}
      <input
        value={value}
        onChange={(e) => onChange(e.target.value.trim())}
        inputMode="numeric"
        maxLength={10}
        placeholder="YYYY-MM-DD"
        spellCheck={false}
        size={10}
        aria-invalid={bad}
        aria-describedby={bad ? hintId : undefined}
        className={bad ? 'field-invalid' : undefined}
        data-testid={testId}
      />
      {bad && (
        <span id={hintId} className="field-error" role="alert" data-testid={`${testId}-error`}>
          {t('errors.field.date')}
        </span>
      )}
    </label>
  );
}
