import { ZodError } from 'zod';
import { AppError } from '../../shared/errors';
import { TransportError, type TransportFailure } from '../rpc/TransportError';

export type LocalErrorKey =
  | 'errors.disconnected'
  | 'errors.notConnected'
  | 'errors.timeout'
  | 'errors.cameraNotReady'
  | 'errors.cameraBlankFrame'
  | 'errors.versionMismatch'
  | 'errors.fileTooLarge'
  | 'errors.fileUnreadable'
  | 'errors.unexpected';

/** Either the service's own bilingual message, or one of ours still to be translated. */
export type ErrorDescription =
  | { kind: 'service'; code: string; zh: string; en: string; details: readonly string[] }
  | { kind: 'local'; key: LocalErrorKey; details: readonly string[] };

const TRANSPORT_KEYS: Record<TransportFailure, LocalErrorKey> = {
  disconnected: 'errors.disconnected',
  'not-connected': 'errors.notConnected',
  timeout: 'errors.timeout',
};

/** Raised by the UI itself for problems the service never sees (a file too big to send). */
export class LocalError extends Error {
  constructor(readonly key: LocalErrorKey) {
    super(key);
    this.name = 'LocalError';
  }
}

export function describeError(error: unknown): ErrorDescription {
  if (error instanceof AppError) {
    return { kind: 'service', code: error.code, zh: error.zh, en: error.en, details: error.details ?? [] };
  }
  if (error instanceof TransportError) return { kind: 'local', key: TRANSPORT_KEYS[error.failure], details: [] };
  if (error instanceof LocalError) return { kind: 'local', key: error.key, details: [] };
  // RpcClient parses every output; a mismatch means renderer and service come from different builds.
  if (error instanceof ZodError) {
    return { kind: 'local', key: 'errors.versionMismatch', details: error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) };
  }
  return { kind: 'local', key: 'errors.unexpected', details: error instanceof Error ? [error.message] : [String(error)] };
}
