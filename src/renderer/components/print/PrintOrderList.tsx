import { useTranslation } from 'react-i18next';
import type { OrderRow } from '../../../shared/domain/entities';
import { formatClock } from '../../format/localTime';
import { OrderStatusBadge } from '../OrderStatusBadge';

interface Props {
  orders: readonly OrderRow[];
  selected: string | null;
  onSelect: (order: OrderRow) => void;
}

/** Today's students with an accepted photo: the ones whose photos can go on paper. */
export function PrintOrderList({ orders, selected, onSelect }: Props) {
  const { t } = useTranslation();
  if (orders.length === 0) return <p className="message message-info">{t('print.ordersEmpty')}</p>;
  return (
    <ul className="print-order-list" data-testid="print-orders">
      {orders.map((o) => (
        <li key={o.id}>
          <button
            type="button"
            className={`print-order ${o.id === selected ? 'print-order-selected' : ''}`}
            aria-pressed={o.id === selected}
            onClick={() => onSelect(o)}
            data-testid="print-order"
            data-order-id={o.id}
          >
            <span className="print-order-name">{o.studentName}</span>
            <span className="print-order-meta">
              {o.studentNo ?? ''} <OrderStatusBadge status={o.status} /> {formatClock(o.capturedAt) ?? ''}
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}
