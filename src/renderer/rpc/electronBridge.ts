import type { RpcTransport } from '../../shared/rpc/client';

declare global {
  interface Window {
    /** Exposed by the Electron preload; absent in a plain browser. */
    campusCapture?: unknown;
  }
}

/** Checked at run time: a half-loaded or foreign preload must fall back, not crash on first call. */
export function findElectronBridge(win: Window): RpcTransport | null {
  const candidate = win.campusCapture;
  if (typeof candidate !== 'object' || candidate === null) return null;
  if (!('call' in candidate) || typeof candidate.call !== 'function') return null;
  if (!('onEvent' in candidate) || typeof candidate.onEvent !== 'function') return null;
  return candidate as RpcTransport;
}
