import type { z } from 'zod';
import { contract, isProcedureName, type OutputOf, type ParsedInputOf, type ProcedureName } from '../../shared/rpc/contract.js';
import type { RpcResult } from '../../shared/rpc/wire.js';
import { AppError, type ErrorPayload } from '../../shared/errors.js';
import { createLogger } from '../log/logger.js';
import type { Session } from '../services/AppContext.js';

const log = createLogger('rpc');

export type Handler<N extends ProcedureName> = (input: ParsedInputOf<N>, session: Session) => Promise<OutputOf<N>> | OutputOf<N>;
export type Handlers = { [N in ProcedureName]: Handler<N> };

function issuesToDetails(error: z.ZodError): string[] {
  return error.issues.slice(0, 20).map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`);
}

function errorPayload(err: unknown, name: string): ErrorPayload {
  if (err instanceof AppError) return err.toPayload();
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC' || code === 'SQLITE_FULL') return new AppError('DISK_FULL').toPayload();
  log.error('procedure failed', { name, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  return new AppError('INTERNAL').toPayload();
}

/** The one router both transports call. Whatever arrives is untrusted: the name is checked against
 * the contract, the caller's role against the procedure's access, the input against its schema;
 * whatever goes wrong comes back as a typed error, never as a thrown exception. */
export function createRouter(handlers: Handlers) {
  return async function dispatch(name: string, rawInput: unknown, session: Session): Promise<RpcResult> {
    if (!isProcedureName(name)) return { ok: false, error: new AppError('UNKNOWN_PROCEDURE', { details: [String(name).slice(0, 64)] }).toPayload() };
    const def = contract[name];
    if (def.access !== 'public' && !session.operator) return { ok: false, error: new AppError('UNAUTHENTICATED').toPayload() };
    if (def.access === 'manager' && session.operator?.role !== 'manager') return { ok: false, error: new AppError('FORBIDDEN').toPayload() };
    const parsed = def.input.safeParse(rawInput ?? {});
    if (!parsed.success) return { ok: false, error: new AppError('BAD_INPUT', { details: issuesToDetails(parsed.error) }).toPayload() };
    try {
      const handler = handlers[name] as Handler<typeof name>;
      const value = await handler(parsed.data as never, session);
      // Outputs are checked too: a handler that drifts from the contract fails here, in one place.
      return { ok: true, value: def.output.parse(value) };
    } catch (err) {
      return { ok: false, error: errorPayload(err, name) };
    }
  };
}

export type Dispatch = ReturnType<typeof createRouter>;
