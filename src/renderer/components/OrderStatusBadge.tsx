import { useTranslation } from 'react-i18next';
import type { OrderStatus } from '../../shared/domain/status';

type Tone = 'info' | 'busy' | 'done' | 'review' | 'bad' | 'muted' | 'none';

const TONES: Record<OrderStatus, Tone> = {
  已签到: 'info',
  采集中: 'busy',
  已采集: 'done',
  待审核: 'review',
  被驳回: 'bad',
  待制作: 'review',
  已完成: 'done',
  已作废: 'muted',
};

export function OrderStatusBadge({ status }: { status: OrderStatus | null }) {
  const { t } = useTranslation();
  const tone: Tone = status ? TONES[status] : 'none';
  return <span className={`badge badge-${tone}`}>{status ? t(`orderStatus.${status}`) : t('checkin.noStatus')}</span>;
}
