import type { ScanOutcome } from '../../shared/checkin/scanOutcome';
import type { OutputOf } from '../../shared/rpc/contract';

export type CheckinOutcome = OutputOf<'checkin.confirm'>;

/** Where the student card's "back" leads: the search it came from (query kept) or the queue. */
export type StudentReturn = { name: 'checkin'; query: string } | { name: 'queue' };

/** Why the login screen is showing, when it is not the first start. */
export type LoginNotice = 'logout' | 'expired' | 'reconnect' | 'idle';

/** What the check-in screen says after a scan that did not lead straight to a student. */
export type ScanNotice =
  | { kind: 'refused'; outcome: Extract<ScanOutcome, { kind: 'refused' }> }
  | { kind: 'unmatched'; outcome: Extract<ScanOutcome, { kind: 'unmatched_xuexin' }>; pendingCode: string }
  | { kind: 'noCode' }
  | { kind: 'error'; error: unknown };

export type Screen =
  | { name: 'login'; notice: LoginNotice | null }
  | { name: 'tasks' }
  | { name: 'checkin'; query: string; notice?: ScanNotice }
  | { name: 'walkin'; pendingCode: string | null }
  | { name: 'student'; studentId: string; returnTo: StudentReturn }
  | { name: 'capture'; studentId: string; studentName: string; outcome: CheckinOutcome }
  | { name: 'queue' }
  | { name: 'sync' }
  | { name: 'print' }
  /** F8, site managers only: export, day report, reconciliation, audit log, settings. */
  | { name: 'manager' };

export type ScreenName = Screen['name'];

export function screenNeedsTask(screen: Screen): boolean {
  return screen.name === 'checkin' || screen.name === 'walkin' || screen.name === 'student' || screen.name === 'capture' || screen.name === 'queue' || screen.name === 'print';
}
