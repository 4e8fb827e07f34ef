import { useEffect, useState } from 'react';
import type { SyncStatus } from '../../shared/sync/syncStatus';
import { useRpc } from './useRpc';
import { useRpcEvent } from './useRpcEvent';

const REFRESH_MS = 5000;

/** The station's sync state, pushed by the engine while it works and re-read every few seconds
 * (the backlog grows with every accepted photo even when the engine is asleep offline). */
export function useSyncStatus(): SyncStatus | null {
  const client = useRpc();
  const [status, setStatus] = useState<SyncStatus | null>(null);
  useRpcEvent('sync.changed', setStatus);
  useEffect(() => {
    let current = true;
    const load = () =>
      client.call('sync.status', {}).then(
        (s) => {
          if (current) setStatus(s);
        },
        () => undefined, // the connection banner already says when the service is gone
      );
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => {
      current = false;
      clearInterval(timer);
    };
  }, [client]);
  return status;
}
