import { useEffect, useLayoutEffect, useRef } from 'react';
import type { EventName, EventPayload } from '../../shared/rpc/contract';
import { useRpc } from './useRpc';

export function useRpcEvent<N extends EventName>(name: N, listener: (payload: EventPayload<N>) => void): void {
  const client = useRpc();
  const latest = useRef(listener);
  // Before paint (see useWindowKeydown): an event arriving right after a render meets that render's listener.
  useLayoutEffect(() => {
    latest.current = listener;
  });
  useEffect(() => client.on(name, (payload) => latest.current(payload)), [client, name]);
}
