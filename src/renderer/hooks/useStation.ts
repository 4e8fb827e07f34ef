import { useContext } from 'react';
import type { StationConnection } from '../rpc/selectTransport';
import { StationContext } from '../rpc/StationContext';

export function useStation(): StationConnection {
  const station = useContext(StationContext);
  if (!station) throw new Error('useStation needs a StationContext provider (see main.tsx)');
  return station;
}
