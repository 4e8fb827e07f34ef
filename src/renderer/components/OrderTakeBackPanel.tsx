import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { voidAllowed } from '../../shared/domain/lifecycle';
import { offersWithdraw, type TaskRights } from '../../shared/domain/taskRights';
import type { OrderStatus } from '../../shared/domain/status';
import { useHoldScans } from '../navigation/scanGuard';
import { useBusyAction } from '../hooks/useBusyAction';
import { useLoader } from '../hooks/useLoader';
import { useRpc } from '../hooks/useRpc';
import { ErrorMessage } from './ErrorMessage';

interface Props {
  orderId: string;
  status: OrderStatus;
  /** The order is this station's own (another station's mirrored order is that station's to change). */
  atThisStation: boolean;
  /** The order's task's rights: whether a photographer may withdraw here too. */
  rights: TaskRights;
  onChanged: () => void;
}

type Action = 'withdraw' | 'void';

function ReasonForm({ action, onDone, onCancel, orderId }: { action: Action; orderId: string; onDone: () => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const client = useRpc();
  const [reason, setReason] = useState('');
  const { busy, error, act } = useBusyAction();
  useHoldScans();
  const ok = reason.trim().length >= 2;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!ok) return;
    void act(async () => {
      await client.call(action === 'void' ? 'orders.void' : 'orders.withdraw', { orderId, reason: reason.trim() });
      onDone();
    });
  };
  return (
    <form
      className="takeback-form"
      onSubmit={submit}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          onCancel();
        }
      }}
      data-testid={`takeback-form-${action}`}
    >
      <label>
        {t(action === 'void' ? 'order.voidReason' : 'order.withdrawReason')}
        <input autoFocus value={reason} maxLength={200} onChange={(e) => setReason(e.target.value)} data-testid="takeback-reason" />
      </label>
      <div className="row">
        <button type="submit" className={action === 'void' ? 'button danger' : 'button button-primary'} disabled={!ok || busy} data-testid="takeback-confirm">
          {t(action === 'void' ? 'order.voidConfirm' : 'order.withdrawConfirm')}
        </button>
        <button type="button" className="button button-secondary" onClick={onCancel} disabled={busy}>
          {t('order.cancel')}
        </button>
      </div>
      <ErrorMessage error={error} />
    </form>
  );
}

/**
 * The two ways to take an order back, on the student's card: 撤回审核 (the student asks for a new photo
 * while nobody has reviewed it) and 已作废 (a wrong student, a test shot, a duplicate walk-in), each
 * with a reason. 作废 is the site manager's; 撤回审核 the site manager's, or a photographer's where the
 * task allows it. Each is shown only where the rule allows it (the same rules the station's RPC and
 * the server apply).
 */
export function OrderTakeBackPanel({ orderId, status, atThisStation, rights, onChanged }: Props) {
  const { t } = useTranslation();
  const client = useRpc();
  const me = useLoader(() => client.call('auth.me', {}), [client]);
  const [open, setOpen] = useState<Action | null>(null);
  const role = me.data?.operator?.role;
  if (!atThisStation) return null;
  const withdraw = offersWithdraw(role, rights, status);
  const voidable = role === 'manager' && voidAllowed(status);
  if (!withdraw && !voidable) return null;
  return (
    <section className="takeback" data-testid="order-takeback">
      {open === null ? (
        <div className="row">
          {withdraw && (
            <button type="button" className="button button-secondary" onClick={() => setOpen('withdraw')} data-testid="order-withdraw">
              {t('order.withdraw')}
            </button>
          )}
          {voidable && (
            <button type="button" className="button danger" onClick={() => setOpen('void')} data-testid="order-void">
              {t('order.void')}
            </button>
          )}
        </div>
      ) : (
        <ReasonForm
          action={open}
          orderId={orderId}
          onCancel={() => setOpen(null)}
          onDone={() => {
            setOpen(null);
            onChanged();
          }}
        />
      )}
    </section>
  );
}
