import { useTranslation } from 'react-i18next';
import type { StudentCard } from '../../shared/domain/entities';

export function ReservationSummary({ reservation }: { reservation: StudentCard['reservation'] }) {
  const { t } = useTranslation();
  if (!reservation?.slot) return <>{t('student.noReservation')}</>;
  const { date, start, end } = reservation.slot;
  const note = reservation.state === 'cancelled' ? t('student.reservationCancelled') : reservation.state === 'used' ? t('student.reservationUsed') : '';
  return (
    <>
      {t('student.slot', { date, start, end })} {note}
    </>
  );
}
