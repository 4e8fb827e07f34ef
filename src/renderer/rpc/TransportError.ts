/** Failures of the carrier itself, as opposed to an AppError the station service chose to return.
 * 'disconnected' matters most: the call may or may not have run, so the UI must say so. */
export type TransportFailure = 'disconnected' | 'not-connected' | 'timeout';

export class TransportError extends Error {
  constructor(
    readonly failure: TransportFailure,
    readonly procedure: string,
  ) {
    super(`${procedure}: ${failure}`);
    this.name = 'TransportError';
  }
}
