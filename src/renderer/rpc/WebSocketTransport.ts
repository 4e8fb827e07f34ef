import type { RpcTransport } from '../../shared/rpc/client';
import { RPC_PATH, ServerMessage, WS_PROTOCOL_PREFIX, type RequestMessage, type RpcResult } from '../../shared/rpc/wire';
import type { ConnectionMonitor, ConnectionState } from './connectionState';
import { TransportError } from './TransportError';

export interface WebSocketTransportOptions {
  /** How long a call made while the socket is down may wait for it to come back. */
  connectWaitMs: number;
  /** How long a sent call may wait for its result; a roster import of a big sheet stays well under this. */
  callTimeoutMs: number;
  /** Reconnect delays; the last one repeats. */
  backoffMs: readonly number[];
}

const DEFAULT_OPTIONS: WebSocketTransportOptions = {
  connectWaitMs: 8_000,
  callTimeoutMs: 60_000,
  backoffMs: [250, 500, 1_000, 2_000, 4_000, 8_000],
};

interface PendingCall {
  name: string;
  frame: string;
  sent: boolean;
  timer: ReturnType<typeof setTimeout>;
  resolve: (result: RpcResult) => void;
  reject: (error: Error) => void;
}

type EventListener = (name: string, payload: unknown) => void;

export function rpcUrlFor(loc: Location): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}${RPC_PATH}`;
}

/**
 * RPC over one WebSocket to the station service, reconnecting forever with backoff.
 * Calls already sent when the socket drops are failed, never re-sent: the service may have run
 * them, and only the operator can judge whether to retry.
 */
export class WebSocketTransport implements RpcTransport, ConnectionMonitor {
  private socket: WebSocket | null = null;
  private nextId = 1;
  private readonly calls = new Map<number, PendingCall>();
  private readonly eventListeners = new Set<EventListener>();
  private readonly stateListeners = new Set<() => void>();
  private state: ConnectionState = { status: 'connecting', failedAttempts: 0, openCount: 0 };
  private retryTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly url: string,
    private readonly secret: string,
    private readonly options: WebSocketTransportOptions = DEFAULT_OPTIONS,
  ) {
    this.connect();
  }

  call(name: string, input: unknown): Promise<RpcResult> {
    return new Promise<RpcResult>((resolve, reject) => {
      const id = this.nextId++;
      const request: RequestMessage = { type: 'call', id, name, input };
      const frame = JSON.stringify(request);
      const open = this.socket !== null && this.socket.readyState === WebSocket.OPEN;
      const timer = setTimeout(() => this.expire(id), open ? this.options.callTimeoutMs : this.options.connectWaitMs);
      const call: PendingCall = { name, frame, sent: false, timer, resolve, reject };
      this.calls.set(id, call);
      if (open) this.send(id, call);
    });
  }

  onEvent(listener: EventListener): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  getSnapshot = (): ConnectionState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  };

  private setState(next: ConnectionState): void {
    this.state = next;
    for (const listener of this.stateListeners) listener();
  }

  private connect(): void {
    this.retryTimer = null;
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.url, [`${WS_PROTOCOL_PREFIX}${this.secret}`]);
    } catch {
      this.scheduleReconnect(false);
      return;
    }
    this.socket = socket;
    let opened = false;
    socket.addEventListener('open', () => {
      if (this.socket !== socket) return;
      opened = true;
      this.setState({ status: 'open', failedAttempts: 0, openCount: this.state.openCount + 1 });
      for (const [id, call] of this.calls) if (!call.sent) this.send(id, call);
    });
    socket.addEventListener('message', (event: MessageEvent<unknown>) => {
      if (this.socket === socket) this.receive(event.data);
    });
    // 'error' is always followed by 'close', and carries no detail a browser will reveal.
    socket.addEventListener('close', () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.failSentCalls();
      this.scheduleReconnect(opened);
    });
  }

  private scheduleReconnect(wasOpen: boolean): void {
    const failedAttempts = wasOpen ? 0 : this.state.failedAttempts + 1;
    this.setState({ status: 'reconnecting', failedAttempts, openCount: this.state.openCount });
    const { backoffMs } = this.options;
    const base = backoffMs[Math.min(failedAttempts, backoffMs.length - 1)] ?? 1_000;
    // Jitter keeps several kiosk tabs from hammering a restarting service in lockstep.
    this.retryTimer ??= setTimeout(() => this.connect(), base + Math.random() * base * 0.25);
  }

  private send(id: number, call: PendingCall): void {
    const socket = this.socket;
    if (!socket) return;
    clearTimeout(call.timer);
    call.timer = setTimeout(() => this.expire(id), this.options.callTimeoutMs);
    call.sent = true;
    socket.send(call.frame);
  }

  private expire(id: number): void {
    const call = this.calls.get(id);
    if (!call) return;
    this.calls.delete(id);
    call.reject(new TransportError(call.sent ? 'timeout' : 'not-connected', call.name));
  }

  private failSentCalls(): void {
    for (const [id, call] of this.calls) {
      if (!call.sent) continue;
      clearTimeout(call.timer);
      this.calls.delete(id);
      call.reject(new TransportError('disconnected', call.name));
    }
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      console.warn('rpc: ignoring a frame that is not JSON');
      return;
    }
    const parsed = ServerMessage.safeParse(json);
    if (!parsed.success) {
      console.warn('rpc: ignoring a malformed frame', parsed.error.issues);
      return;
    }
    const message = parsed.data;
    if (message.type === 'result') {
      const call = this.calls.get(message.id);
      if (!call) return;
      clearTimeout(call.timer);
      this.calls.delete(message.id);
      call.resolve(message.result);
      return;
    }
    for (const listener of this.eventListeners) {
      try {
        listener(message.name, message.payload);
      } catch (error) {
        console.error('rpc: event listener failed', error);
      }
    }
  }
}
