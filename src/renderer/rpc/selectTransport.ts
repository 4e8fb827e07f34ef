import { RpcClient, type RpcTransport } from '../../shared/rpc/client';
import { alwaysOpenMonitor, type ConnectionMonitor } from './connectionState';
import { findElectronBridge } from './electronBridge';
import { readSecret } from './readSecret';
import { SessionGuardTransport } from './SessionGuardTransport';
import { rpcUrlFor, WebSocketTransport } from './WebSocketTransport';

export interface StationConnection {
  client: RpcClient;
  connection: ConnectionMonitor;
  session: SessionGuardTransport;
}

export type TransportSelection = { kind: 'ready'; station: StationConnection } | { kind: 'missing-secret' };

function connect(transport: RpcTransport, connection: ConnectionMonitor): TransportSelection {
  const session = new SessionGuardTransport(transport);
  return { kind: 'ready', station: { client: new RpcClient(session), connection, session } };
}

/** Inside Electron the preload bridge; in a browser a WebSocket back to the page's own host. */
export function selectTransport(win: Window): TransportSelection {
  const bridge = findElectronBridge(win);
  if (bridge) return connect(bridge, alwaysOpenMonitor);
  const secret = readSecret(win.location, win.history);
  if (secret === null) return { kind: 'missing-secret' };
  const socket = new WebSocketTransport(rpcUrlFor(win.location), secret);
  return connect(socket, socket);
}
