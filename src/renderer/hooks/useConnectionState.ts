import { useSyncExternalStore } from 'react';
import type { ConnectionState } from '../rpc/connectionState';
import { useStation } from './useStation';

export function useConnectionState(): ConnectionState {
  const { connection } = useStation();
  return useSyncExternalStore(connection.subscribe, connection.getSnapshot);
}
