import { useTranslation } from 'react-i18next';
import { Bilingual } from '../components/Bilingual';
import { OrderStatusBadge } from '../components/OrderStatusBadge';
import { useWindowKeydown } from '../hooks/useWindowKeydown';
import type { CheckinOutcome } from '../navigation/screens';

interface Props {
  studentName: string;
  outcome: CheckinOutcome;
  onBack: () => void;
}

/** Deliberately empty of any picture: until the camera module exists, nothing here may look like a capture. */
export function CaptureScreen({ studentName, outcome, onBack }: Props) {
  const { t } = useTranslation();
  useWindowKeydown((event) => {
    if (event.key === 'Escape' && !event.defaultPrevented) {
      event.preventDefault();
      onBack();
    }
  });
  return (
    <main className="screen capture-screen" data-testid="capture-screen" data-order-id={outcome.orderId}>
      <h1 className="student-name" data-testid="capture-student-name">
        {studentName}
      </h1>
      <p className="capture-status">
        <OrderStatusBadge status={outcome.status} />
        <span>{outcome.alreadyCheckedIn ? t('capture.alreadyCheckedIn') : t('capture.checkedIn')}</span>
      </p>
      <div className="capture-placeholder" role="status" data-testid="capture-unavailable">
        <Bilingual i18nKey="capture.notAvailable" />
      </div>
      <div className="action-row">
        <button type="button" className="button button-primary button-large" autoFocus onClick={onBack} data-testid="capture-back">
          {t('capture.back')}
        </button>
      </div>
    </main>
  );
}
