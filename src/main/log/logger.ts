import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

interface Sink {
  dir: string | null;
  maxBytes: number;
  keep: number;
  level: LogLevel;
  echo: boolean;
}

const sink: Sink = { dir: null, maxBytes: 5 * 1024 * 1024, keep: 5, level: 'info', echo: false };

/** Points every module's logger at `<dir>/app.log`, rotated by size into app.1.log … app.N.log. */
export function configureLogging(opts: Partial<Sink> & { dir: string }): void {
  Object.assign(sink, opts);
  mkdirSync(opts.dir, { recursive: true });
}

// Defence in depth: callers log ids, never people, but a mistake must not put an ID number or a
// Chinese name in a file that support staff pass around.
const ID_NUMBER = /\b\d{17}[\dXx]\b/g;
const HAN_RUN = /[\u4e00-\u9fff]{2,4}/g;

export function redact(text: string): string {
  return text.replace(ID_NUMBER, '[id]');
}

function redactFields(fields: Record<string, unknown>): string {
  return redact(JSON.stringify(fields, (key, value: unknown) => (key === 'name' && typeof value === 'string' ? value.replace(HAN_RUN, '[name]') : value)));
}

function rotateIfNeeded(file: string): void {
  if (!existsSync(file) || statSync(file).size < sink.maxBytes) return;
  const dir = sink.dir!;
  rmSync(join(dir, `app.${sink.keep}.log`), { force: true });
  for (let i = sink.keep - 1; i >= 1; i--) {
    const from = join(dir, `app.${i}.log`);
    if (existsSync(from)) renameSync(from, join(dir, `app.${i + 1}.log`));
  }
  renameSync(file, join(dir, 'app.1.log'));
}

function write(module: string, level: LogLevel, msg: string, fields?: Record<string, unknown>): void {
  if (LEVELS[level] < LEVELS[sink.level]) return;
  const line = `${new Date().toISOString()} ${level.toUpperCase()} [${module}] ${redact(msg)}${fields ? ' ' + redactFields(fields) : ''}\n`;
  if (sink.echo || !sink.dir) process.stderr.write(line);
  if (!sink.dir) return;
  const file = join(sink.dir, 'app.log');
  try {
    rotateIfNeeded(file);
    appendFileSync(file, line);
  } catch {
    // A full disk must not take the kiosk down through its own logger.
  }
}

export function createLogger(module: string): Logger {
  return {
    debug: (m, f) => write(module, 'debug', m, f),
    info: (m, f) => write(module, 'info', m, f),
    warn: (m, f) => write(module, 'warn', m, f),
    error: (m, f) => write(module, 'error', m, f),
  };
}
