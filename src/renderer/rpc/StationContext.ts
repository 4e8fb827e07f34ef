import { createContext } from 'react';
import type { StationConnection } from './selectTransport';

export const StationContext = createContext<StationConnection | null>(null);
