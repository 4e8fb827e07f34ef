import type { LoginNotice } from '../navigation/screens';
import { Bilingual } from './Bilingual';

/** Why the operator is looking at the login screen again. */
export function LoginNoticeMessage({ notice }: { notice: LoginNotice }) {
  return (
    <p className="message message-info" role="status" data-testid="login-notice">
      <Bilingual i18nKey={notice === 'reconnect' ? 'connection.reloginNeeded' : notice === 'idle' ? 'manager.idle' : `login.sessionEnded.${notice}`} />
    </p>
  );
}
