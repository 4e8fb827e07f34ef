import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ExportDestination } from '../../../shared/export/exportTypes';
import { formatBytes } from '../../format/bytes';
import { useRpc } from '../../hooks/useRpc';

const CUSTOM = '__custom__';

interface Props {
  value: string;
  onChange: (path: string) => void;
  testId: string;
}

/** Where to write: the station's own exports folder, a USB drive mounted now, or a typed folder. */
export function DestinationPicker({ value, onChange, testId }: Props) {
  const { t } = useTranslation();
  const client = useRpc();
  const [destinations, setDestinations] = useState<ExportDestination[]>([]);
  const [custom, setCustom] = useState(false);
  const [generation, setGeneration] = useState(0);
  // Read when the list arrives, not when it was asked for: a folder typed meanwhile is kept.
  const latestValue = useRef(value);
  latestValue.current = value;

  useEffect(() => {
    let current = true;
    client.call('export.destinations', {}).then(
      ({ destinations: list }) => {
        if (!current) return;
        setDestinations(list);
        // A removable drive, when one is plugged in, is what the site manager most likely wants.
        const preferred = list.find((d) => d.kind === 'removable' && d.writable) ?? list.find((d) => d.writable);
        if (!latestValue.current && preferred) onChange(preferred.path);
      },
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [client, generation]);

  const known = destinations.some((d) => d.path === value);
  return (
    <div className="manager-destination" data-testid={testId}>
      <label className="manager-field">
        {t('manager.export.destination')}
        <select
          value={custom || (!known && value) ? CUSTOM : value}
          onChange={(e) => {
            const next = e.target.value;
            setCustom(next === CUSTOM);
            if (next !== CUSTOM) onChange(next);
          }}
          data-testid={`${testId}-select`}
        >
          {destinations.map((d) => (
            <option key={d.path} value={d.path} disabled={!d.writable}>
              {d.label} — {d.path} {d.freeBytes !== null ? `(${t('manager.export.free', { size: formatBytes(d.freeBytes) })})` : ''} {d.writable ? '' : t('manager.export.notWritable')}
            </option>
          ))}
          <option value={CUSTOM}>{t('manager.export.customDestination')}</option>
        </select>
      </label>
      {(custom || (!known && value !== '')) && (
        <label className="manager-field manager-field-wide">
          {t('manager.export.customPath')}
          <input value={value} onChange={(e) => onChange(e.target.value)} spellCheck={false} placeholder="/media/usb" data-testid={`${testId}-path`} />
        </label>
      )}
      <button type="button" className="button button-quiet" onClick={() => setGeneration((g) => g + 1)}>
        {t('manager.refresh')}
      </button>
    </div>
  );
}
