import type { ParseKeys } from 'i18next';
import { Bilingual } from './Bilingual';

/** A scan that arrived where it cannot be used: said for a few seconds, nothing else happens. */
export function ScanHintMessage({ i18nKey }: { i18nKey: ParseKeys }) {
  return (
    <p className="message message-warn scan-hint" role="status" data-testid="scan-hint">
      <Bilingual i18nKey={i18nKey} />
    </p>
  );
}
