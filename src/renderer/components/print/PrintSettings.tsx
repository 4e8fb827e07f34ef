import { useTranslation } from 'react-i18next';
import type { PrinterInfo, PrintOptions } from '../../../shared/print/printTypes';
import { useLanguage } from '../../hooks/useLanguage';
import type { PrintSelection } from './printSelection';

interface Props {
  options: PrintOptions;
  printers: readonly PrinterInfo[];
  selection: PrintSelection;
  onChange: (next: PrintSelection) => void;
}

const MAX_COPIES = 20;

/** Kind, layout, paper, background, printer, tray, copies: large controls, readable from a step back. */
export function PrintSettings({ options, printers, selection, onChange }: Props) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const name = (n: { zh: string; en: string }) => (language === 'en' ? n.en : n.zh);
  const set = (patch: Partial<PrintSelection>) => onChange({ ...selection, ...patch });
  const layout = options.layouts.find((l) => l.layout.id === selection.layoutId);
  const printer = printers.find((p) => p.name === selection.printer) ?? null;
  const sheetPapers = options.papers.filter((p) => p.kind === 'sheet' && p.use !== 'receipt');
  const receiptPapers = options.papers.filter((p) => p.use !== 'photo');
  const papers = selection.kind === 'sheet' ? sheetPapers : receiptPapers;
  const paperId = selection.kind === 'sheet' ? selection.paperId : selection.receiptPaperId;

  return (
    <div className="print-settings" data-testid="print-settings">
      <div className="print-segments" role="radiogroup" aria-label={t('print.title')}>
        {(['sheet', 'receipt'] as const).map((kind) => (
          <button
            key={kind}
            type="button"
            role="radio"
            aria-checked={selection.kind === kind}
            className={`print-segment ${selection.kind === kind ? 'print-segment-on' : ''}`}
            onClick={() => set({ kind })}
            data-testid={`print-kind-${kind}`}
          >
            {kind === 'sheet' ? t('print.kindSheet') : t('print.kindReceipt')}
          </button>
        ))}
      </div>

      {selection.kind === 'sheet' && (
        <label className="print-field">
          <span className="print-label">{t('print.layout')}</span>
          <select
            value={selection.layoutId}
            onChange={(e) => {
              const next = options.layouts.find((l) => l.layout.id === e.target.value);
              set({ layoutId: e.target.value, ...(next ? { paperId: next.layout.paper } : {}) });
            }}
            data-testid="print-layout"
          >
            {options.layouts.map((l) => (
              <option key={l.layout.id} value={l.layout.id}>
                {name(l.layout.name)}
              </option>
            ))}
          </select>
        </label>
      )}

      <label className="print-field">
        <span className="print-label">{t('print.paper')}</span>
        <select
          value={paperId}
          onChange={(e) => set(selection.kind === 'sheet' ? { paperId: e.target.value } : { receiptPaperId: e.target.value })}
          data-testid="print-paper"
        >
          {papers.map((p) => {
            const fit = selection.kind === 'sheet' ? layout?.fits.find((f) => f.paperId === p.id) : undefined;
            const missing = printer !== null && !printer.papers.includes(p.id);
            return (
              <option key={p.id} value={p.id} disabled={fit !== undefined && !fit.fits}>
                {name(p.name)}
                {fit && !fit.fits ? ` — ${t('print.notFit')}` : ''}
                {missing ? ` — ${t('print.paperMissing')}` : ''}
              </option>
            );
          })}
        </select>
      </label>

      {selection.kind === 'sheet' && (
        <div className="print-field">
          <span className="print-label">{t('print.background')}</span>
          <div className="print-segments" role="radiogroup" aria-label={t('print.background')}>
            {(['blue', 'white'] as const).map((bg) => (
              <button
                key={bg}
                type="button"
                role="radio"
                aria-checked={selection.background === bg}
                className={`print-segment print-swatch-${bg} ${selection.background === bg ? 'print-segment-on' : ''}`}
                onClick={() => set({ background: bg })}
                data-testid={`print-background-${bg}`}
              >
                {t(`print.${bg}`)}
              </button>
            ))}
          </div>
        </div>
      )}

      <label className="print-field">
        <span className="print-label">{t('print.printer')}</span>
        <select value={selection.printer} onChange={(e) => set({ printer: e.target.value, tray: null })} data-testid="print-printer">
          {printers.map((p) => (
            <option key={p.name} value={p.name}>
              {p.name}
              {p.description && p.description !== p.name ? ` · ${p.description}` : ''} · {t(`print.printerState.${p.state}`)}
              {p.isDefault ? ` · ${t('print.printerDefault')}` : ''}
            </option>
          ))}
        </select>
      </label>

      {printer && printer.trays.length > 0 && (
        <label className="print-field">
          <span className="print-label">{t('print.tray')}</span>
          <select value={selection.tray ?? ''} onChange={(e) => set({ tray: e.target.value || null })} data-testid="print-tray">
            <option value="">{t('print.trayAuto')}</option>
            {printer.trays.map((tray) => (
              <option key={tray.id} value={tray.id}>
                {tray.label}
              </option>
            ))}
          </select>
        </label>
      )}

      <div className="print-field">
        <span className="print-label">{t('print.copies')}</span>
        <div className="print-stepper">
          <button type="button" className="button button-secondary" aria-label={t('print.fewer')} disabled={selection.copies <= 1} onClick={() => set({ copies: selection.copies - 1 })}>
            −
          </button>
          <output className="print-copies" data-testid="print-copies">
            {selection.copies}
          </output>
          <button type="button" className="button button-secondary" aria-label={t('print.more')} disabled={selection.copies >= MAX_COPIES} onClick={() => set({ copies: selection.copies + 1 })}>
            +
          </button>
        </div>
      </div>
    </div>
  );
}
