import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OrderRow, TaskSummary } from '../../shared/domain/entities';
import type { OrderStatus } from '../../shared/domain/status';
import type { PrintJob } from '../../shared/print/printTypes';
import { ErrorMessage } from '../components/ErrorMessage';
import { PrintJobList } from '../components/print/PrintJobList';
import { PrintOrderList } from '../components/print/PrintOrderList';
import { PrintPreview, type ReceiptPreview, type SheetPreview } from '../components/print/PrintPreview';
import { PrintSettings } from '../components/print/PrintSettings';
import { ServiceText } from '../components/print/ServiceText';
import { initialSelection, type PrintSelection } from '../components/print/printSelection';
import { usePrintJobs } from '../components/print/usePrintJobs';
import { useConnectionState } from '../hooks/useConnectionState';
import { useLanguage } from '../hooks/useLanguage';
import { useLoader } from '../hooks/useLoader';
import { useRpc } from '../hooks/useRpc';
import { useRpcEvent } from '../hooks/useRpcEvent';
import { useWindowKeydown } from '../hooks/useWindowKeydown';

interface Props {
  task: TaskSummary;
  onBack: () => void;
}

/** Orders with an accepted photo; a rejected or void one is not printed. */
const PRINTABLE: readonly OrderStatus[] = ['已采集', '待审核', '待制作', '已完成'];

interface PreviewState {
  loading: boolean;
  error: unknown;
  sheet: SheetPreview | null;
  receipt: ReceiptPreview | null;
}

const NO_PREVIEW: PreviewState = { loading: false, error: null, sheet: null, receipt: null };

/**
 * 打印: pick a student captured today, a layout, paper and printer; see the sheet (or the receipt
 * slip) as the service renders it; print; follow the job through CUPS, retry or cancel it.
 */
export function PrintScreen({ task, onBack }: Props) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const client = useRpc();
  const { openCount } = useConnectionState();
  const orders = useLoader(() => client.call('orders.list', { taskCode: task.code }).then((r) => r.orders.filter((o) => PRINTABLE.includes(o.status))), [client, task.code, openCount]);
  const options = useLoader(() => client.call('print.options', {}), [client, openCount]);
  const printers = useLoader(() => client.call('print.printers', {}), [client, openCount]);
  const [orderId, setOrderId] = useState<string | null>(null);
  const [selection, setSelection] = useState<PrintSelection | null>(null);
  const [preview, setPreview] = useState<PreviewState>(NO_PREVIEW);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);
  const [askedSaved, setAskedSaved] = useState(false);
  const asked = useLoader(() => (orderId ? client.call('print.orderPrints', { orderId }).then((r) => r.prints) : Promise.resolve([])), [client, orderId]);
  const { jobs, upsert } = usePrintJobs(orderId);

  useRpcEvent('orders.changed', (payload) => {
    if (payload.taskCode === task.code) orders.reload();
  });

  useEffect(() => {
    if (!selection && options.data && printers.data) setSelection(initialSelection(options.data, printers.data.printers));
  }, [selection, options.data, printers.data]);

  // A student who asked for prints (加洗) gets their first choice preselected, once per student.
  const askedAppliedFor = useRef<string | null>(null);
  useEffect(() => {
    if (!orderId || asked.loading || askedAppliedFor.current === orderId || !options.data) return;
    askedAppliedFor.current = orderId;
    const first = asked.data?.[0];
    const paper = options.data.layouts.find((l) => l.layout.id === first?.layoutId)?.layout.paper;
    if (first && paper) setSelection((s) => (s ? { ...s, kind: 'sheet', layoutId: first.layoutId, paperId: paper, background: first.background, copies: first.copies } : s));
  }, [orderId, asked.loading, asked.data, options.data]);

  // The preview follows every choice that changes what is printed (not printer, tray or copies).
  useEffect(() => {
    if (!orderId || !selection || !selection.layoutId) {
      setPreview(NO_PREVIEW);
      return;
    }
    let current = true;
    setPreview((p) => ({ ...p, loading: true, error: null }));
    const request =
      selection.kind === 'sheet'
        ? client.call('print.previewSheet', { orderId, layoutId: selection.layoutId, paperId: selection.paperId, background: selection.background }).then((sheet) => ({ sheet, receipt: null }))
        : client.call('print.previewReceipt', { orderId, paperId: selection.receiptPaperId }).then((receipt) => ({ sheet: null, receipt }));
    request.then(
      (r) => {
        if (current) setPreview({ loading: false, error: null, ...r });
      },
      (error: unknown) => {
        if (current) setPreview({ loading: false, error, sheet: null, receipt: null });
      },
    );
    return () => {
      current = false;
    };
  }, [client, orderId, selection?.kind, selection?.layoutId, selection?.paperId, selection?.receiptPaperId, selection?.background]);

  useWindowKeydown((event) => {
    if (event.key === 'Escape' && !event.defaultPrevented) {
      event.preventDefault();
      onBack();
    }
  });

  const act = async (action: () => Promise<void>) => {
    setActionError(null);
    setBusy(true);
    try {
      await action();
    } catch (error) {
      setActionError(error);
    } finally {
      setBusy(false);
    }
  };

  const submit = () =>
    act(async () => {
      if (!orderId || !selection) return;
      const { job } = await client.call('print.submit', {
        // One id per press: a call repeated after a dropped connection is the same print, not a second one.
        requestId: crypto.randomUUID(),
        orderId,
        kind: selection.kind,
        layoutId: selection.kind === 'sheet' ? selection.layoutId : null,
        paperId: selection.kind === 'sheet' ? selection.paperId : selection.receiptPaperId,
        background: selection.kind === 'sheet' ? selection.background : null,
        printer: selection.printer,
        tray: selection.tray,
        copies: selection.copies,
      });
      upsert(job);
    });

  const retry = (job: PrintJob, printer: string) =>
    act(async () => {
      upsert((await client.call('print.retry', { jobId: job.id, printer, tray: printer === job.printer ? job.tray : null })).job);
    });
  const cancel = (job: PrintJob) =>
    act(async () => {
      upsert((await client.call('print.cancel', { jobId: job.id })).job);
    });
  const markAsked = () =>
    act(async () => {
      if (!orderId || !selection) return;
      const prints = [...(asked.data ?? []), { layoutId: selection.layoutId, background: selection.background, copies: selection.copies }].slice(-10);
      await client.call('print.setOrderPrints', { orderId, prints });
      asked.reload();
      setAskedSaved(true);
    });

  const opts = options.data;
  const printerList = printers.data?.printers ?? [];
  const layout = opts?.layouts.find((l) => l.layout.id === selection?.layoutId);
  const fit = layout?.fits.find((f) => f.paperId === selection?.paperId);
  const sheetFits = selection?.kind !== 'sheet' || fit === undefined || fit.fits;
  const canPrint = !!orderId && !!selection?.printer && sheetFits && !busy && preview.error === null;
  const selectedOrder: OrderRow | undefined = orders.data?.find((o) => o.id === orderId);
  const layoutName = (id: string) => {
    const l = opts?.layouts.find((x) => x.layout.id === id);
    return l ? (language === 'en' ? l.counts.en : l.counts.zh) : id;
  };

  return (
    <main className="screen screen-kiosk print-screen" data-testid="print-screen" data-order-id={orderId ?? ''}>
      <div className="screen-heading">
        <h1>
          {t('print.title')} · {task.name}
        </h1>
        <p className="muted">{t('print.hint')}</p>
      </div>
      {[orders.error, options.error, printers.error].filter((e) => e !== null).map((e, i) => (
        <ErrorMessage key={i} error={e} />
      ))}
      {printers.data?.error && (
        <p className="message message-error" role="alert">
          <ServiceText text={printers.data.error} />
        </p>
      )}
      {printers.data && !printers.data.error && printerList.length === 0 && <p className="message message-warn">{t('print.noPrinters')}</p>}

      <div className="print-layout">
        <section className="print-column print-orders-column">
          <h2>{t('print.orders')}</h2>
          {orders.loading && orders.data === null ? (
            <p className="muted">{t('print.loading')}</p>
          ) : (
            <PrintOrderList
              orders={orders.data ?? []}
              selected={orderId}
              onSelect={(o) => {
                setOrderId(o.id);
                setAskedSaved(false);
                setActionError(null);
              }}
            />
          )}
        </section>

        <section className="print-column print-main-column">
          {!selectedOrder && <p className="message message-info">{t('print.selectOrder')}</p>}
          {selectedOrder && (
            <>
              <h2 className="print-student" data-testid="print-student">
                {selectedOrder.studentName}
              </h2>
              <p className="print-asked" data-testid="print-asked">
                <span className="print-label">{t('print.asked')}</span>{' '}
                {asked.data && asked.data.length > 0
                  ? asked.data.map((p) => `${layoutName(p.layoutId)}（${t(`print.${p.background}`)}）×${p.copies}`).join('；')
                  : t('print.askedNone')}
              </p>
            </>
          )}
          {opts && selection && <PrintSettings options={opts} printers={printerList} selection={selection} onChange={setSelection} />}
          {selection?.kind === 'sheet' && fit && !fit.fits && (
            <p className="message message-error" role="alert" data-testid="print-not-fit">
              <ServiceText text={fit} />
            </p>
          )}
          <div className="print-actions">
            <button type="button" className="button button-primary button-large" disabled={!canPrint} onClick={() => void submit()} data-testid="print-submit">
              {busy ? t('print.submitting') : t('print.submit')}
            </button>
            {selection?.kind === 'sheet' && orderId && (
              <button type="button" className="button button-secondary" disabled={busy} onClick={() => void markAsked()} data-testid="print-mark-asked">
                {askedSaved ? t('print.askedSaved') : t('print.markAsked')}
              </button>
            )}
          </div>
          {actionError !== null && <ErrorMessage error={actionError} testId="print-action-error" />}
          {opts && orderId && <PrintJobList jobs={jobs} options={opts} printers={printerList} busy={busy} onRetry={(j, p) => void retry(j, p)} onCancel={(j) => void cancel(j)} />}
        </section>

        <section className="print-column print-preview-column">{orderId && <PrintPreview {...preview} />}</section>
      </div>
    </main>
  );
}
