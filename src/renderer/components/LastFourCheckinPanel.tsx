import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TaskSummary } from '../../shared/domain/entities';
import type { LastFourMatch } from '../../shared/rpc/contract';
import { useRpc } from '../hooks/useRpc';
import { ErrorMessage } from './ErrorMessage';
import { OrderStatusBadge } from './OrderStatusBadge';

interface Props {
  task: TaskSummary;
  onOpenStudent: (studentId: string) => void;
}

interface Found {
  last4: string;
  matches: LastFourMatch[];
  truncated: boolean;
}

/**
 * 散排采集 (广东 manual): the student gives the task code and ID last 4 alone. One match opens the
 * card, where the photographer confirms who it is before checking in; several are listed with
 * masked names and 学号 for the student to point at, and none is ever chosen for them.
 */
export function LastFourCheckinPanel({ task, onOpenStudent }: Props) {
  const { t } = useTranslation();
  const client = useRpc();
  const [last4, setLast4] = useState('');
  const [found, setFound] = useState<Found | null>(null);
  const [error, setError] = useState<unknown>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setFound(null);
    try {
      const asked = last4.trim().toUpperCase();
      const answer = await client.call('checkin.lastFour', { taskCode: task.code, idLast4: asked });
      const only = answer.matches.length === 1 ? answer.matches[0] : undefined;
      if (only) onOpenStudent(only.studentId);
      else setFound({ last4: asked, ...answer });
    } catch (caught) {
      setError(caught);
    }
  };

  return (
    <form className="feature-code last-four" onSubmit={(e) => void submit(e)} data-testid="last-four-form">
      <h2>{t('lastFour.title')}</h2>
      <div className="form-row">
        <label>
          {t('featureCode.task')}
          <input value={task.code} readOnly />
        </label>
        <label>
          {t('lastFour.last4')}
          <input
            value={last4}
            onChange={(e) => setLast4(e.target.value)}
            maxLength={4}
            inputMode="text"
            autoComplete="off"
            spellCheck={false}
            autoFocus
            data-testid="last-four-input"
          />
        </label>
        <button type="submit" className="button button-primary" data-testid="last-four-submit">
          {t('lastFour.submit')}
        </button>
      </div>
      {error !== null && <ErrorMessage error={error} testId="last-four-error" />}
      {found !== null && found.matches.length === 0 && (
        <p className="message message-info" data-testid="last-four-none">
          {t('lastFour.none', { last4: found.last4 })}
        </p>
      )}
      {found !== null && found.matches.length > 1 && (
        <>
          <p className="message message-warn" data-testid="last-four-choose">
            {t('lastFour.choose', { count: found.matches.length })}
          </p>
          <ul className="result-list" aria-label={t('lastFour.title')}>
            {found.matches.map((m) => (
              <li key={m.studentId} className="result-row" data-testid="last-four-match">
                <button type="button" className="button button-secondary" onClick={() => onOpenStudent(m.studentId)}>
                  <span className="result-name">{m.maskedName}</span>
                </button>
                <span className="result-facts">
                  <span>
                    <span className="fact-label">{t('fields.studentNo')}</span> {m.studentNo ?? t('fields.empty')}
                  </span>
                  <span>
                    <span className="fact-label">{t('fields.department')}</span> {m.department ?? t('fields.empty')}
                  </span>
                </span>
                <OrderStatusBadge status={m.orderStatus} />
              </li>
            ))}
          </ul>
          {found.truncated && (
            <p className="message message-warn" data-testid="last-four-truncated">
              {t('lastFour.truncated')}
            </p>
          )}
        </>
      )}
    </form>
  );
}
