import { useTranslation } from 'react-i18next';
import type { OutputOf } from '../../../shared/rpc/contract';
import { ErrorMessage } from '../ErrorMessage';
import { ServiceText } from './ServiceText';

export type SheetPreview = OutputOf<'print.previewSheet'>;
export type ReceiptPreview = OutputOf<'print.previewReceipt'>;

interface Props {
  loading: boolean;
  error: unknown;
  sheet: SheetPreview | null;
  receipt: ReceiptPreview | null;
}

/** The sheet or slip exactly as it will be printed (rendered by the service at the paper's dpi). */
export function PrintPreview({ loading, error, sheet, receipt }: Props) {
  const { t } = useTranslation();
  return (
    <section className="print-preview" aria-busy={loading} data-testid="print-preview">
      {error !== null && <ErrorMessage error={error} testId="print-preview-error" />}
      {loading && (
        <p className="muted" data-testid="print-preview-loading">
          {t('print.previewing')}
        </p>
      )}
      {sheet && (
        <figure className="print-figure">
          <img
            className={`print-image print-image-${sheet.orientation}`}
            src={`data:image/jpeg;base64,${sheet.jpegBase64}`}
            alt={t('print.previewAlt')}
            data-testid="print-preview-image"
            data-photos={sheet.photos}
          />
          <figcaption>
            <ServiceText text={sheet.fit} />
            {sheet.nearBorderless && (
              <p className="message message-warn" role="status" data-testid="print-near-borderless">
                {t('print.nearBorderless')}
              </p>
            )}
            {!sheet.backgroundReplaced && (
              <p className="message message-warn" role="status">
                {t('print.backgroundKept')}
              </p>
            )}
          </figcaption>
        </figure>
      )}
      {receipt && (
        <figure className="print-figure">
          <img className="print-image print-image-receipt" src={`data:image/png;base64,${receipt.pngBase64}`} alt={t('print.previewAlt')} data-testid="print-preview-image" />
          <figcaption className="print-receipt-url">
            {t('print.receiptLink')}: <code data-testid="print-receipt-url">{receipt.url}</code>
          </figcaption>
        </figure>
      )}
    </section>
  );
}
