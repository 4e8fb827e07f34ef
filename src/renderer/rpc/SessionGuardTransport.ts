import type { RpcTransport } from '../../shared/rpc/client';
import type { RpcResult } from '../../shared/rpc/wire';

/**
 * Watches every result for UNAUTHENTICATED, so a session lost on the service side (restart,
 * reconnect) sends the UI back to the login screen from whichever screen noticed.
 */
export class SessionGuardTransport implements RpcTransport {
  private readonly listeners = new Set<() => void>();

  constructor(private readonly inner: RpcTransport) {}

  async call(name: string, input: unknown): Promise<RpcResult> {
    const result = await this.inner.call(name, input);
    if (!result.ok && result.error.code === 'UNAUTHENTICATED') {
      for (const listener of this.listeners) listener();
    }
    return result;
  }

  onEvent(listener: (name: string, payload: unknown) => void): () => void {
    return this.inner.onEvent(listener);
  }

  onUnauthenticated(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
