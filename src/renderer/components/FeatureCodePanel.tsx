import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { describeFeatureCode, featureCodeInputMode } from '../../shared/checkin/taskRules';
import type { StudentSummary, TaskSummary } from '../../shared/domain/entities';
import { useLanguage } from '../hooks/useLanguage';
import { useRpc } from '../hooks/useRpc';
import { ErrorMessage } from './ErrorMessage';
import { SearchResultRow } from './SearchResultRow';

interface Props {
  task: TaskSummary;
  onOpenStudent: (studentId: string) => void;
}

/** The mini-program's manual path: the student reads out ID last 4 and the 特征码, whose length and
 * alphabet are the task's (4 digits in 广东, 6 letters or digits, 24 hex characters). */
export function FeatureCodePanel({ task, onOpenStudent }: Props) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const format = task.featureCodeFormat;
  const described = describeFeatureCode(format)[language === 'zh-CN' ? 'zh' : 'en'];
  const client = useRpc();
  const [last4, setLast4] = useState('');
  const [code, setCode] = useState('');
  const [students, setStudents] = useState<StudentSummary[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setStudents(null);
    try {
      const found = await client.call('checkin.featureCode', { taskCode: task.code, idLast4: last4, featureCode: code });
      const only = found.students.length === 1 ? found.students[0] : undefined;
      if (only) onOpenStudent(only.id);
      else setStudents(found.students);
    } catch (caught) {
      setError(caught);
    }
  };

  return (
    <form className="feature-code" onSubmit={(e) => void submit(e)} data-testid="feature-code-form">
      <h2>{t('featureCode.title')}</h2>
      <div className="form-row">
        <label>
          {t('featureCode.task')}
          <input value={task.code} readOnly />
        </label>
        <label>
          {t('featureCode.last4')}
          <input value={last4} onChange={(e) => setLast4(e.target.value)} maxLength={4} autoComplete="off" autoFocus data-testid="feature-last4" />
        </label>
        <label>
          {t('featureCode.code')}
          <input
            value={code}
            onChange={(e) => setCode(e.target.value)}
            maxLength={format.length}
            size={Math.min(Math.max(format.length, 6), 26)}
            inputMode={featureCodeInputMode(format)}
            autoComplete="off"
            spellCheck={false}
            aria-describedby="feature-code-format"
            data-testid="feature-code"
          />
          <span id="feature-code-format" className="muted" data-testid="feature-code-format">
            {t('featureCode.format', { format: described })}
          </span>
        </label>
        <button type="submit" className="button button-primary" data-testid="feature-submit">
          {t('featureCode.submit')}
        </button>
      </div>
      {error !== null && <ErrorMessage error={error} testId="feature-error" />}
      {students !== null && students.length === 0 && (
        <p className="message message-info" data-testid="feature-none">
          {t('featureCode.none')}
        </p>
      )}
      {students !== null && students.length > 1 && (
        <ul className="result-list" role="listbox">
          {students.map((s) => (
            <SearchResultRow key={s.id} id={`feature-${s.id}`} student={s} selected={false} onOpen={(x) => onOpenStudent(x.id)} />
          ))}
        </ul>
      )}
    </form>
  );
}
