import { useEffect, useRef, useState, type ChangeEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ScanOutcome } from '../../shared/checkin/scanOutcome';
import type { TaskSummary } from '../../shared/domain/entities';
import { MAX_IMAGE_BASE64 } from '../../shared/rpc/contract';
import { LocalError } from '../format/describeError';
import { base64LengthOf, readFileAsBase64 } from '../format/readFileAsBase64';
import { useRpc } from '../hooks/useRpc';
import { ErrorMessage } from './ErrorMessage';

interface Props {
  task: TaskSummary;
  onOutcome: (outcome: ScanOutcome, pendingCode: string | null) => void;
  onNoCode: () => void;
}

/** Students often bring the 采集码 as a saved PNG or a screenshot; the station decodes it with the
 * same engine as `campus-capture decode`. */
export function ImageScanButton({ task, onOutcome, onNoCode }: Props) {
  const { t } = useTranslation();
  const client = useRpc();
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // The operator may leave before a large image is decoded; its answer must not pull them back.
  const mounted = useRef(false);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const decode = async (event: ChangeEvent<HTMLInputElement>) => {
    const field = event.currentTarget;
    const file = field.files?.[0];
    field.value = '';
    if (!file) return;
    setError(null);
    setBusy(true);
    try {
      if (base64LengthOf(file.size) > MAX_IMAGE_BASE64) throw new LocalError('errors.fileTooLarge');
      const contentBase64 = await readFileAsBase64(file);
      const result = await client.call('checkin.scanImage', { taskCode: task.code, fileName: file.name, contentBase64 });
      if (!mounted.current) return;
      if (result.outcome) onOutcome(result.outcome, result.pendingCode);
      else onNoCode();
    } catch (caught) {
      if (mounted.current) setError(caught);
    } finally {
      if (mounted.current) setBusy(false);
    }
  };

  return (
    <div className="image-scan">
      <button type="button" className="button button-secondary" onClick={() => input.current?.click()} disabled={busy} data-testid="image-scan-button">
        {busy ? t('scan.decoding') : t('scan.fromImage')}
      </button>
      <input ref={input} type="file" accept="image/*" className="visually-hidden" tabIndex={-1} onChange={(e) => void decode(e)} data-testid="image-scan-input" />
      {error !== null && <ErrorMessage error={error} testId="image-scan-error" />}
    </div>
  );
}
