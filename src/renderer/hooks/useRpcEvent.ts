import { useEffect, useRef } from 'react';
import type { EventName, EventPayload } from '../../shared/rpc/contract';
import { useRpc } from './useRpc';

export function useRpcEvent<N extends EventName>(name: N, listener: (payload: EventPayload<N>) => void): void {
  const client = useRpc();
  const latest = useRef(listener);
  useEffect(() => {
    latest.current = listener;
  });
  useEffect(() => client.on(name, (payload) => latest.current(payload)), [client, name]);
}
