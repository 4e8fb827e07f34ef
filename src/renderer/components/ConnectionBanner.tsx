import { useConnectionState } from '../hooks/useConnectionState';
import { Bilingual } from './Bilingual';

/** After this many failed attempts a restarted service (new secret) is the likelier cause than a blip. */
const STALE_SECRET_HINT_AFTER = 4;

export function ConnectionBanner() {
  const { status, failedAttempts } = useConnectionState();
  if (status !== 'reconnecting') return null;
  return (
    <div className="connection-banner" role="alert" data-testid="connection-banner">
      <Bilingual i18nKey="connection.lost" />
      {failedAttempts >= STALE_SECRET_HINT_AFTER && <Bilingual i18nKey="connection.staleHint" className="connection-hint" />}
    </div>
  );
}
