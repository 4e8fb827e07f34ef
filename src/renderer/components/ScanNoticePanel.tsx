import { useTranslation } from 'react-i18next';
import { inLanguage } from '../format/bilingual';
import { useLanguage } from '../hooks/useLanguage';
import { useWindowKeydown } from '../hooks/useWindowKeydown';
import type { ScanNotice } from '../navigation/screens';
import { Bilingual } from './Bilingual';
import { ErrorMessage } from './ErrorMessage';

interface Props {
  notice: ScanNotice;
  onOpenStudent: (studentId: string) => void;
  onSearchByHand: () => void;
  onRegisterPending: (pendingCode: string) => void;
  onDismiss: () => void;
}

/** A forged code is an alarm; the rest are everyday hiccups. */
const ALARMING = new Set(['bad_signature']);

/** Big enough to read aloud to the student: what went wrong, and the next step as a button that has
 * the focus (Enter), with Esc to dismiss. */
export function ScanNoticePanel({ notice, onOpenStudent, onSearchByHand, onRegisterPending, onDismiss }: Props) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  useWindowKeydown((event) => {
    if (event.key === 'Escape' && !event.defaultPrevented) {
      event.preventDefault();
      onDismiss();
    }
  });
  if (notice.kind === 'error') return <ErrorMessage error={notice.error} testId="scan-notice" />;
  const text = notice.kind === 'noCode' ? null : inLanguage(language, notice.outcome);
  const reason = notice.kind === 'refused' ? notice.outcome.reason : notice.kind;
  const title = notice.kind === 'unmatched' ? 'scan.unmatchedTitle' : notice.kind === 'noCode' ? 'scan.noCodeTitle' : 'scan.refusedTitle';
  return (
    <div className={`message ${ALARMING.has(reason) ? 'message-error' : 'message-warn'} scan-notice`} role="alert" data-testid="scan-notice" data-reason={reason}>
      <h2 className="scan-notice-title">
        <Bilingual i18nKey={title} />
      </h2>
      {text ? (
        <>
          <p className="message-primary" data-testid="scan-notice-text">
            {text.primary}
          </p>
          <p className="message-secondary">{text.secondary}</p>
        </>
      ) : (
        <p className="message-primary" data-testid="scan-notice-text">
          <Bilingual i18nKey="scan.noCode" />
        </p>
      )}
      <div className="action-row">
        {notice.kind === 'refused' && notice.outcome.studentId !== null && (
          <button type="button" className="button button-primary" autoFocus onClick={() => onOpenStudent(notice.outcome.studentId!)} data-testid="scan-open-student">
            {t('scan.openStudent')}
          </button>
        )}
        {notice.kind === 'unmatched' && (
          <button type="button" className="button button-primary" autoFocus onClick={() => onRegisterPending(notice.pendingCode)} data-testid="scan-register-pending">
            {t('scan.registerPending')}
          </button>
        )}
        <button type="button" className="button button-secondary" onClick={onSearchByHand} data-testid="scan-search-by-hand">
          {t('scan.searchByHand')}
        </button>
        <button type="button" className="button button-secondary" onClick={onDismiss}>
          {t('scan.dismiss')}
        </button>
      </div>
    </div>
  );
}
