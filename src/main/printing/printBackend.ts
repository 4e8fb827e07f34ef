import * as cups from './cups.js';
import type { CupsJobState, JobAttributes, PrinterAttributes, PrinterListing, PrinterOptions, SubmitOptions, SubmitResult } from './cups.js';

/**
 * What the crash-safe print queue (printService.ts) needs from a print system. CUPS (`lp`,
 * `lpstat`, `ipptool`) is the one on Linux and macOS; where there is no CUPS (Windows) the Electron
 * shell puts its own in (src/main/app/electron/electronPrint.ts, Chromium's printing). Job ids and
 * titles let the queue follow a job and, after a crash, find one it is not sure it handed over.
 * `CupsUnavailable` (from cups.ts) is what any backend throws when its print system cannot be reached.
 */
export interface PrintBackend {
  readonly kind: 'cups' | 'electron';
  listPrinterNames(): Promise<PrinterListing>;
  /** Null when the print system does not know the printer. */
  printerAttributes(name: string): Promise<PrinterAttributes | null>;
  printerOptions(name: string): Promise<PrinterOptions>;
  /** Hands a document (the queue's PDF of full-page JPEGs) over; the answer names the job. */
  submitJob(o: SubmitOptions): Promise<SubmitResult>;
  /** Null when the print system no longer knows the job. */
  jobAttributes(printer: string, jobId: number): Promise<JobAttributes | null>;
  /** Null when the printer is unknown; [] when no job has that title. */
  findJobsByTitle(printer: string, title: string): Promise<Array<{ id: number; state: CupsJobState }> | null>;
  cancelJob(printer: string, jobId: number): Promise<boolean>;
}

export const cupsBackend: PrintBackend = {
  kind: 'cups',
  listPrinterNames: cups.listPrinterNames,
  printerAttributes: cups.printerAttributes,
  printerOptions: cups.printerOptions,
  submitJob: cups.submitJob,
  jobAttributes: cups.jobAttributes,
  findJobsByTitle: cups.findJobsByTitle,
  cancelJob: cups.cancelJob,
};

let selected: PrintBackend = cupsBackend;

/** The shell chooses once at start-up (CUPS where it exists); the queue uses whatever is chosen. */
export function selectPrintBackend(backend: PrintBackend): void {
  selected = backend;
}

export function currentPrintBackend(): PrintBackend {
  return selected;
}

/** Whether CUPS answers on this machine (its commands exist and the scheduler replies). */
export async function cupsAvailable(): Promise<boolean> {
  try {
    await cups.listPrinterNames();
    return true;
  } catch (err) {
    if (err instanceof cups.CupsUnavailable) return false;
    throw err;
  }
}
