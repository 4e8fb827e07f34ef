import { useTranslation } from 'react-i18next';
import { bookedSlotNote } from '../../shared/checkin/taskRules';
import type { StudentCard } from '../../shared/domain/entities';
import { localDateOf } from '../../shared/localDate';
import { useLanguage } from '../hooks/useLanguage';

export function ReservationSummary({ reservation }: { reservation: StudentCard['reservation'] }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  if (!reservation?.slot) return <>{t('student.noReservation')}</>;
  const { date, start, end } = reservation.slot;
  const note = reservation.state === 'cancelled' ? t('student.reservationCancelled') : reservation.state === 'used' ? t('student.reservationUsed') : '';
  // A reservation is good at any session of its task (注意事项 3): another day's slot is said, never refused.
  const booked = bookedSlotNote(reservation.slot, localDateOf(new Date()));
  return (
    <>
      {t('student.slot', { date, start, end })} {note}
      {!booked.today && (
        <>
          {' '}
          <span className="badge badge-busy" data-testid="slot-not-today">
            {booked[language === 'zh-CN' ? 'zh' : 'en']}
          </span>
        </>
      )}
    </>
  );
}
