export type ConnectionStatus = 'connecting' | 'open' | 'reconnecting';

export interface ConnectionState {
  status: ConnectionStatus;
  /** Consecutive failed attempts since the last open socket; drives the "service restarted?" hint. */
  failedAttempts: number;
  /** Increments on every successful open, so screens can refetch after a reconnect. */
  openCount: number;
}

/** Shaped for React's useSyncExternalStore. */
export interface ConnectionMonitor {
  getSnapshot(): ConnectionState;
  subscribe(listener: () => void): () => void;
}

const ALWAYS_OPEN: ConnectionState = { status: 'open', failedAttempts: 0, openCount: 1 };

/** Electron IPC has no socket to lose. */
export const alwaysOpenMonitor: ConnectionMonitor = {
  getSnapshot: () => ALWAYS_OPEN,
  subscribe: () => () => {},
};
