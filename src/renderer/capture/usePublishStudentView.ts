import { useEffect, useRef } from 'react';
import { IDLE_STUDENT_VIEW, type StudentViewPublish } from '../../shared/studentView';
import { useRpc } from '../hooks/useRpc';

/**
 * Sends what the student's screen should show whenever it changes (not on every frame: the live
 * loop re-renders the capture screen at camera rate, the state only changes when the instruction
 * does), and idle when the capture screen goes. A failed publish is dropped: the student's screen
 * is a comfort, never a reason to stop the photographer.
 */
export function usePublishStudentView(state: Omit<StudentViewPublish, 'confirmed'>): void {
  const client = useRpc();
  const sent = useRef<string | null>(null);
  const key = JSON.stringify({ ...state, spec: state.spec?.id ?? null });
  useEffect(() => {
    if (sent.current === key) return;
    sent.current = key;
    // Whether the student confirmed is the station's to say (studentView.confirm), never the screen's.
    client.call('studentView.publish', { ...state, confirmed: false }).catch(() => undefined);
  }, [client, key]);
  useEffect(
    () => () => {
      client.call('studentView.publish', { ...IDLE_STUDENT_VIEW, orderId: null }).catch(() => undefined);
    },
    [client],
  );
}
