import { z } from 'zod';
import { ERROR_CODES } from '../errors.js';

/** Envelopes on the WebSocket. Electron IPC carries the same result shape from ipcMain.handle. */
export const RequestMessage = z.object({
  type: z.literal('call'),
  id: z.number().int().nonnegative(),
  name: z.string().max(64),
  input: z.unknown(),
});
export type RequestMessage = z.infer<typeof RequestMessage>;

export const ErrorPayloadSchema = z.object({
  code: z.enum(ERROR_CODES),
  zh: z.string(),
  en: z.string(),
  details: z.array(z.string()).optional(),
});

export const RpcResult = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: ErrorPayloadSchema }),
]);
export type RpcResult = z.infer<typeof RpcResult>;

export const ServerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('result'), id: z.number().int(), result: RpcResult }),
  z.object({ type: z.literal('event'), name: z.string(), payload: z.unknown() }),
]);
export type ServerMessage = z.infer<typeof ServerMessage>;

/** The per-launch secret travels in this sub-protocol header, never in a URL that could be logged. */
export const WS_PROTOCOL_PREFIX = 'cc.secret.';
export const RPC_PATH = '/rpc';

/** Electron IPC channel names. */
export const IPC_CALL_CHANNEL = 'cc:rpc';
export const IPC_EVENT_CHANNEL = 'cc:event';
