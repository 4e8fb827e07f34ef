import { useTranslation } from 'react-i18next';
import type { OrderRow } from '../../shared/domain/entities';
import { formatClock } from '../format/localTime';
import { OrderStatusBadge } from './OrderStatusBadge';

interface Props {
  order: OrderRow;
  onOpen: (order: OrderRow) => void;
}

export function QueueRow({ order, onOpen }: Props) {
  const { t } = useTranslation();
  const dash = t('fields.empty');
  return (
    <tr
      className="queue-row"
      tabIndex={0}
      onClick={() => onOpen(order)}
      onKeyDown={(event) => {
        if (event.key === 'Enter') {
          event.preventDefault();
          onOpen(order);
        }
      }}
      data-testid="queue-row"
      data-roving-item
    >
      <td className="queue-name">
        {order.studentName}
        {order.rejectionReason && <span className="cell-secondary">{t('queue.rejection', { reason: order.rejectionReason })}</span>}
      </td>
      <td>{order.studentNo ?? dash}</td>
      <td>
        <OrderStatusBadge status={order.status} />
      </td>
      <td>
        <span className={`sync sync-${order.syncState}`}>{t(`syncState.${order.syncState}`)}</span>
      </td>
      <td>{order.operatorName ?? dash}</td>
      <td className="numeric">{formatClock(order.checkedInAt) ?? dash}</td>
      <td className="numeric">{formatClock(order.capturedAt) ?? dash}</td>
    </tr>
  );
}
