import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * CUPS through its own command-line tools, as root or any user: `lpstat` and `lpoptions` to list
 * printers, papers and trays, `lp` to print, `cancel` to cancel, and `ipptool` (cups-ipp-utils, a
 * dependency of Debian's cups) for exact job and printer states (job-state, printer-state-reasons),
 * which lpstat only paraphrases. No native binding: the commands are CUPS's stable interface, work
 * with any CUPS server the system is configured for (CUPS_SERVER, client.conf), and cannot crash
 * the kiosk process.
 */

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The command itself is missing (ENOENT): CUPS's client tools are not installed. */
  missing: boolean;
}

const TIMEOUT_MS = 15_000;

export function runCommand(cmd: string, args: readonly string[], timeoutMs = TIMEOUT_MS): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 8 * 1024 * 1024, env: { ...process.env, LC_ALL: 'C', LANG: 'C' } }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { code?: string | number }) | null;
      resolve({
        code: e ? (typeof e.code === 'number' ? e.code : 1) : 0,
        stdout: String(stdout ?? ''),
        stderr: String(stderr ?? '') + (e && typeof e.code === 'string' ? ` ${e.code}` : ''),
        missing: e?.code === 'ENOENT',
      });
    });
  });
}

export class CupsUnavailable extends Error {
  constructor(readonly detail: string) {
    super(`CUPS unavailable: ${detail}`);
  }
}

// ---- ipptool requests (static files, written once per process) ----

/**
 * CUPS hides a job's name from anyone but its owner (JobPrivateValues): every request says who is
 * asking ($user, the same account lp ran as), or titles could never be matched.
 */
const IPP_FILES: Record<string, string> = {
  'job.test': `{
  NAME "job"
  OPERATION Get-Job-Attributes
  GROUP operation-attributes-tag
  ATTR charset attributes-charset utf-8
  ATTR naturalLanguage attributes-natural-language en
  ATTR uri printer-uri $uri
  ATTR integer job-id $job_id
  ATTR name requesting-user-name $user
  ATTR keyword requested-attributes job-id,job-name,job-state,job-state-reasons,job-state-message,job-printer-state-message
  STATUS successful-ok
  DISPLAY job-id
  DISPLAY job-name
  DISPLAY job-state
  DISPLAY job-state-reasons
  DISPLAY job-state-message
  DISPLAY job-printer-state-message
}
`,
  'jobs.test': `{
  NAME "jobs"
  OPERATION Get-Jobs
  GROUP operation-attributes-tag
  ATTR charset attributes-charset utf-8
  ATTR naturalLanguage attributes-natural-language en
  ATTR uri printer-uri $uri
  ATTR name requesting-user-name $user
  ATTR keyword which-jobs all
  ATTR boolean my-jobs false
  ATTR keyword requested-attributes job-id,job-name,job-state
  STATUS successful-ok
  DISPLAY job-id
  DISPLAY job-name
  DISPLAY job-state
}
`,
  'printer.test': `{
  NAME "printer"
  OPERATION Get-Printer-Attributes
  GROUP operation-attributes-tag
  ATTR charset attributes-charset utf-8
  ATTR naturalLanguage attributes-natural-language en
  ATTR uri printer-uri $uri
  ATTR keyword requested-attributes printer-name,printer-state,printer-state-reasons,printer-state-message,printer-is-accepting-jobs,printer-info,printer-location,media-supported
  STATUS successful-ok
  DISPLAY printer-name
  DISPLAY printer-state
  DISPLAY printer-state-reasons
  DISPLAY printer-state-message
  DISPLAY printer-is-accepting-jobs
  DISPLAY printer-info
  DISPLAY printer-location
  DISPLAY media-supported
}
`,
};

let ippDir: string | null = null;
function ippFile(name: keyof typeof IPP_FILES & string): string {
  if (!ippDir) {
    const base = join(tmpdir(), 'campus-capture-ipp');
    mkdirSync(base, { recursive: true, mode: 0o700 });
    ippDir = mkdtempSync(join(base, 'p-'));
    for (const [file, text] of Object.entries(IPP_FILES)) writeFileSync(join(ippDir, file), text, { mode: 0o600 });
  }
  return join(ippDir, name);
}

/** One CSV line as ipptool -c writes it: fields quoted when they hold a comma, "" for a quote. */
export function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

function parseCsv(text: string): Array<Record<string, string>> {
  const lines = text.split('\n').filter((l) => l.length > 0);
  if (lines.length === 0) return [];
  const header = parseCsvLine(lines[0]!);
  return lines.slice(1).map((l) => {
    const cells = parseCsvLine(l);
    return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']));
  });
}

const list = (s: string | undefined) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : []);

/** Printer names travel as lp arguments and in URIs: CUPS's own rule (no spaces, /, # or \). */
export function isValidPrinterName(name: string): boolean {
  return /^[^\s/#\\"'@]{1,127}$/.test(name);
}

/** ipptool's words when CUPS answers client-error-not-found (a job or printer it does not know). */
const NOT_FOUND = /does not exist|not-found|client-error-not-found/i;

function printerUri(name: string): string {
  return `ipp://localhost/printers/${encodeURIComponent(name)}`;
}

async function ipptool(uri: string, file: keyof typeof IPP_FILES & string, vars: Record<string, string> = {}): Promise<CommandResult> {
  const args = ['-c', ...Object.entries(vars).flatMap(([k, v]) => ['-d', `${k}=${v}`]), uri, ippFile(file)];
  return runCommand('ipptool', args);
}

export interface PrinterAttributes {
  name: string;
  state: 'idle' | 'processing' | 'stopped' | 'unknown';
  reasons: string[];
  message: string | null;
  accepting: boolean;
  info: string | null;
  location: string | null;
  media: string[];
}

/** Null when CUPS does not know the printer (deleted, never added). */
export async function printerAttributes(name: string): Promise<PrinterAttributes | null> {
  const r = await ipptool(printerUri(name), 'printer.test');
  if (r.missing) return printerAttributesFromLpstat(name);
  if (r.code !== 0) {
    if (NOT_FOUND.test(r.stdout + r.stderr)) return null;
    // Anything else (a timeout, a busy scheduler) says nothing about the printer: ask again later.
    throw new CupsUnavailable(r.stderr.trim() || r.stdout.trim() || `ipptool exited ${r.code}`);
  }
  const row = parseCsv(r.stdout)[0];
  if (!row) return null;
  const state = row['printer-state'];
  return {
    name: row['printer-name'] || name,
    state: state === 'idle' || state === 'processing' || state === 'stopped' ? state : 'unknown',
    reasons: list(row['printer-state-reasons']),
    message: row['printer-state-message'] || null,
    accepting: row['printer-is-accepting-jobs'] === 'true',
    info: row['printer-info'] || null,
    location: row['printer-location'] || null,
    media: list(row['media-supported']),
  };
}

/** Without ipptool: lpstat says whether the printer exists, is enabled and accepts jobs. */
async function printerAttributesFromLpstat(name: string): Promise<PrinterAttributes | null> {
  const p = await runCommand('lpstat', ['-p', name]);
  if (p.missing) throw new CupsUnavailable('lpstat not found');
  if (p.code !== 0) return null;
  const a = await runCommand('lpstat', ['-a', name]);
  const disabled = /disabled/.test(p.stdout);
  return {
    name,
    state: disabled ? 'stopped' : /now printing/.test(p.stdout) ? 'processing' : 'idle',
    reasons: disabled ? ['paused'] : [],
    message: null,
    accepting: !/not accepting/.test(a.stdout),
    info: null,
    location: null,
    media: [],
  };
}

export interface PrinterListing {
  names: string[];
  defaultName: string | null;
}

export async function listPrinterNames(): Promise<PrinterListing> {
  const e = await runCommand('lpstat', ['-e']);
  if (e.missing) throw new CupsUnavailable('lpstat not found');
  if (e.code !== 0) {
    // "No destinations added." is a normal answer, not an error.
    if (/No destinations/i.test(e.stdout + e.stderr)) return { names: [], defaultName: null };
    throw new CupsUnavailable(e.stderr.trim() || `lpstat -e exited ${e.code}`);
  }
  const d = await runCommand('lpstat', ['-d']);
  const def = /system default destination:\s*(\S+)/.exec(d.stdout)?.[1] ?? null;
  return { names: e.stdout.split('\n').map((s) => s.trim()).filter(Boolean), defaultName: def };
}

export interface PrinterOptions {
  /** PPD PageSize choices (names), and whether custom sizes are accepted. */
  pageSizes: string[];
  customSize: boolean;
  /** InputSlot choices: the trays. */
  trays: Array<{ id: string; label: string }>;
}

/** `lpoptions -l`: the PPD's choices, e.g. "InputSlot/Media Source: *Auto Tray1 Manual". */
export async function printerOptions(name: string): Promise<PrinterOptions> {
  const r = await runCommand('lpoptions', ['-p', name, '-l']);
  const out: PrinterOptions = { pageSizes: [], customSize: false, trays: [] };
  if (r.code !== 0) return out;
  for (const line of r.stdout.split('\n')) {
    const m = /^([^/:]+)(?:\/([^:]*))?:\s*(.*)$/.exec(line.trim());
    if (!m) continue;
    const key = m[1]!;
    const choices = m[3]!.split(/\s+/).filter(Boolean).map((c) => c.replace(/^\*/, ''));
    if (key === 'PageSize' || key === 'media') {
      out.pageSizes = choices.filter((c) => !c.startsWith('Custom.'));
      out.customSize = choices.some((c) => c.startsWith('Custom.'));
    } else if (key === 'InputSlot' || key === 'MediaSource' || key === 'media-source') {
      out.trays = choices.map((c) => ({ id: c, label: c }));
    }
  }
  return out;
}

export interface SubmitOptions {
  printer: string;
  file: string;
  title: string;
  media: string | null;
  tray: string | null;
  copies: number;
}

export type SubmitResult = { ok: true; cupsJobId: number } | { ok: false; kind: 'no-printer' | 'not-accepting' | 'other'; detail: string };

/** `lp`: the PDF goes to CUPS at its own size, unscaled; the answer names the CUPS job. */
export async function submitJob(o: SubmitOptions): Promise<SubmitResult> {
  const args = ['-d', o.printer, '-t', o.title, '-n', String(o.copies), '-o', 'print-scaling=none'];
  if (o.media) args.push('-o', `media=${o.media}`);
  if (o.tray) args.push('-o', `InputSlot=${o.tray}`);
  args.push('--', o.file);
  const r = await runCommand('lp', args, 60_000);
  if (r.missing) throw new CupsUnavailable('lp not found');
  const m = /request id is (.+)-(\d+)/.exec(r.stdout);
  if (r.code === 0 && m) return { ok: true, cupsJobId: Number(m[2]) };
  const detail = (r.stderr || r.stdout).trim();
  if (/does not exist|Unknown destination|not-found/i.test(detail)) return { ok: false, kind: 'no-printer', detail };
  if (/not accepting/i.test(detail)) return { ok: false, kind: 'not-accepting', detail };
  if (/Unable to connect|scheduler is not running|Connection refused/i.test(detail)) throw new CupsUnavailable(detail);
  return { ok: false, kind: 'other', detail };
}

export type CupsJobState = 'pending' | 'held' | 'processing' | 'stopped' | 'canceled' | 'aborted' | 'completed';

export interface JobAttributes {
  id: number;
  name: string;
  state: CupsJobState;
  reasons: string[];
  message: string | null;
}

const JOB_STATES = new Set<CupsJobState>(['pending', 'held', 'processing', 'stopped', 'canceled', 'aborted', 'completed']);
const asJobState = (s: string | undefined): CupsJobState => (s && JOB_STATES.has(s as CupsJobState) ? (s as CupsJobState) : s === 'pending-held' ? 'held' : s === 'processing-stopped' ? 'stopped' : 'pending');

/** Null when CUPS no longer knows the job (its printer was deleted, or the history was purged). */
export async function jobAttributes(printer: string, jobId: number): Promise<JobAttributes | null> {
  const r = await ipptool(printerUri(printer), 'job.test', { job_id: String(jobId) });
  if (r.missing) return jobAttributesFromLpstat(printer, jobId);
  if (r.code !== 0) {
    if (NOT_FOUND.test(r.stdout + r.stderr)) return null;
    throw new CupsUnavailable(r.stderr.trim() || r.stdout.trim() || `ipptool exited ${r.code}`);
  }
  const row = parseCsv(r.stdout)[0];
  if (!row) return null;
  return {
    id: Number(row['job-id']),
    name: row['job-name'] ?? '',
    state: asJobState(row['job-state']),
    reasons: list(row['job-state-reasons']),
    message: row['job-printer-state-message'] || row['job-state-message'] || null,
  };
}

/** Without ipptool: a job in `lpstat -o` is still to print; one in the completed list is done. */
async function jobAttributesFromLpstat(printer: string, jobId: number): Promise<JobAttributes | null> {
  const id = `${printer}-${jobId}`;
  const open = await runCommand('lpstat', ['-o', printer]);
  if (open.stdout.split('\n').some((l) => l.startsWith(`${id} `))) return { id: jobId, name: '', state: 'pending', reasons: [], message: null };
  const done = await runCommand('lpstat', ['-W', 'completed', '-o', printer]);
  if (done.stdout.split('\n').some((l) => l.startsWith(`${id} `))) return { id: jobId, name: '', state: 'completed', reasons: [], message: null };
  return null;
}

/**
 * Every job CUPS remembers on the printer, finished ones included: how a title is found again.
 * Null when it cannot be known (no ipptool: lpstat does not show titles).
 */
export async function findJobsByTitle(printer: string, title: string): Promise<Array<{ id: number; state: CupsJobState }> | null> {
  const r = await ipptool(printerUri(printer), 'jobs.test');
  if (r.missing) return null;
  if (r.code !== 0) {
    if (/Unable to connect|Connection refused/i.test(r.stdout + r.stderr)) throw new CupsUnavailable(r.stderr.trim());
    // The printer is gone: nothing of it can be in CUPS any more.
    if (NOT_FOUND.test(r.stdout + r.stderr)) return [];
    return null;
  }
  return parseCsv(r.stdout)
    .filter((row) => row['job-name'] === title)
    .map((row) => ({ id: Number(row['job-id']), state: asJobState(row['job-state']) }));
}

export async function cancelJob(printer: string, jobId: number): Promise<boolean> {
  const r = await runCommand('cancel', [`${printer}-${jobId}`]);
  return r.code === 0;
}
