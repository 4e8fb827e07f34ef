import type { ParseKeys } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { StudentCard } from '../../shared/domain/entities';
import { formatClock, formatLocalDate, isLocalToday } from '../format/localTime';
import { Bilingual } from './Bilingual';
import { OrderStatusBadge } from './OrderStatusBadge';

type Order = NonNullable<StudentCard['order']>;

function warningFor(order: Order): { key: ParseKeys; values: Record<string, string> } {
  switch (order.status) {
    case '已签到':
      return isLocalToday(order.checkedInAt)
        ? { key: 'student.warnCheckedInToday', values: {} }
        : { key: 'student.warnCheckedInOn', values: { date: formatLocalDate(order.checkedInAt) ?? '?' } };
    case '采集中':
      return { key: 'student.warnCapturing', values: {} };
    case '被驳回':
      return { key: 'student.warnRejected', values: { reason: order.rejectionReason ?? '—' } };
    default:
      return { key: order.atThisStation ? 'student.warnCaptured' : 'student.warnCapturedElsewhere', values: {} };
  }
}

/** Shown before confirming, so a student who queues twice is caught before a second session starts. */
export function OrderWarning({ order }: { order: Order }) {
  const { t } = useTranslation();
  const { key, values } = warningFor(order);
  const checkedInAt = formatClock(order.checkedInAt);
  return (
    <div className="message message-warn order-warning" role="alert" data-testid="order-warning">
      <div className="order-warning-head">
        <Bilingual i18nKey={key} values={values} />
        <OrderStatusBadge status={order.status} />
      </div>
      {order.conflict && (
        <p data-testid="order-conflict">
          <Bilingual i18nKey="student.warnConflict" />
        </p>
      )}
      {checkedInAt && <p className="muted">{t('student.checkedInAt', { time: checkedInAt })}</p>}
    </div>
  );
}
