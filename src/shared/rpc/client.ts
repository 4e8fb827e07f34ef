import { AppError } from '../errors.js';
import { contract, events, type EventName, type EventPayload, type InputOf, type OutputOf, type ProcedureName } from './contract.js';
import type { RpcResult } from './wire.js';

/** What a transport must do: send a named call and hand back the result envelope; deliver events. */
export interface RpcTransport {
  call(name: string, input: unknown): Promise<RpcResult>;
  onEvent(listener: (name: string, payload: unknown) => void): () => void;
}

/** The typed client the renderer uses, whichever transport carries it. Outputs are parsed too:
 * a main side from another version fails loudly here instead of deep inside a screen. */
export class RpcClient {
  constructor(private readonly transport: RpcTransport) {}

  async call<N extends ProcedureName>(name: N, input: InputOf<N>): Promise<OutputOf<N>> {
    const result = await this.transport.call(name, input);
    if (!result.ok) throw new AppError(result.error.code, result.error);
    return contract[name].output.parse(result.value) as OutputOf<N>;
  }

  on<N extends EventName>(name: N, listener: (payload: EventPayload<N>) => void): () => void {
    return this.transport.onEvent((eventName, payload) => {
      if (eventName !== name) return;
      const parsed = events[name].safeParse(payload);
      if (parsed.success) listener(parsed.data as EventPayload<N>);
    });
  }
}
