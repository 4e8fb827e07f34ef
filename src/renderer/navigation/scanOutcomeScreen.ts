import type { ScanOutcome } from '../../shared/checkin/scanOutcome';
import type { Screen } from './screens';

/** Where a scan leads: straight to the card when the code says who it is and may proceed, otherwise
 * back to check-in with the reason on screen (and the card one click away when the code names someone). */
export function screenForScan(outcome: ScanOutcome, text: string | null): Screen {
  switch (outcome.kind) {
    case 'student':
      return { name: 'student', studentId: outcome.studentId, returnTo: { name: 'checkin', query: '' } };
    case 'refused':
      return { name: 'checkin', query: '', notice: { kind: 'refused', outcome } };
    case 'unmatched_xuexin':
      return text === null ? { name: 'checkin', query: '', notice: { kind: 'noCode' } } : { name: 'checkin', query: '', notice: { kind: 'unmatched', outcome, pendingCode: text } };
  }
}
