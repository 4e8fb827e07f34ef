import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** It had to be killed (SIGKILL): it may have left the camera held (PC control mode, UI lock). */
  killed: boolean;
  /** It could not be started at all (ENOENT: no gphoto2). */
  spawnError: string | null;
  stdout: string;
  stderr: string;
}

const STDBUF = ['/usr/bin/stdbuf', '/bin/stdbuf'].find((p) => existsSync(p)) ?? null;

/** Output kept for classification; live-view stdout (binary) is not kept here. */
const MAX_TEXT = 64 * 1024;

/**
 * One gphoto2 child. The camera is released by SIGINT: gphoto2 then finishes the current step,
 * ends live view, hands the body back (Nikon control mode 0, Canon UI unlock) and closes the PTP
 * session. SIGKILL comes only after a grace period, and is reported, because it leaves the body as
 * it was.
 */
export class Gphoto2Child {
  private readonly child: ChildProcess;
  private stdoutText = '';
  private stderrText = '';
  private killedHard = false;
  private spawnError: string | null = null;
  readonly exited: Promise<ExitInfo>;
  readonly startedAt = Date.now();

  constructor(
    command: string,
    args: string[],
    env: NodeJS.ProcessEnv,
    handlers: { stdout?(chunk: Buffer): void; line?(line: string): void; stderr?(text: string): void } = {},
    keepStdoutText = true,
  ) {
    // gphoto2's messages go through stdio, which a pipe makes block-buffered: a "Saving file as …"
    // line would come only when 4 KB have gathered or the process ends. stdbuf makes it line-buffered
    // (live-view frames are written to the descriptor directly and are not affected).
    const [cmd, cmdArgs] = STDBUF && keepStdoutText ? [STDBUF, ['-oL', '-eL', command, ...args]] : [command, args];
    this.child = spawn(cmd, cmdArgs, { env: { ...env, LANG: 'C', LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let partial = '';
    this.child.stdout!.on('data', (chunk: Buffer) => {
      handlers.stdout?.(chunk);
      if (!keepStdoutText) return;
      const text = chunk.toString('utf8');
      if (this.stdoutText.length < MAX_TEXT) this.stdoutText += text;
      if (handlers.line) {
        partial += text;
        const lines = partial.split('\n');
        partial = lines.pop()!;
        for (const l of lines) handlers.line(l);
      }
    });
    this.child.stderr!.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      if (this.stderrText.length < MAX_TEXT) this.stderrText += text;
      handlers.stderr?.(text);
    });
    this.exited = new Promise((resolve) => {
      this.child.once('error', (err) => {
        this.spawnError = err.message;
      });
      this.child.once('close', (code, signal) => {
        if (partial && handlers.line) handlers.line(partial);
        resolve({ code, signal, killed: this.killedHard, spawnError: this.spawnError, stdout: this.stdoutText, stderr: this.stderrText });
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGINT, then SIGKILL after `graceMs`. Resolves when the process is gone. */
  async stop(graceMs: number): Promise<ExitInfo> {
    if (this.running) {
      this.child.kill('SIGINT');
      const timer = setTimeout(() => {
        if (this.running) {
          this.killedHard = true;
          this.child.kill('SIGKILL');
        }
      }, graceMs);
      const info = await this.exited;
      clearTimeout(timer);
      return info;
    }
    return this.exited;
  }

  /** Straight to SIGKILL: a process that hangs (no output at all) gets no grace. */
  kill(): void {
    if (this.running) {
      this.killedHard = true;
      this.child.kill('SIGKILL');
    }
  }
}

/** Runs gphoto2 to the end (with a deadline), for the short commands: detect, summary, list, get. */
export async function runGphoto2(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number, graceMs = 3000): Promise<ExitInfo & { timedOut: boolean }> {
  const child = new Gphoto2Child(command, args, env);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void child.stop(graceMs);
  }, timeoutMs);
  const info = await child.exited;
  clearTimeout(timer);
  return { ...info, timedOut };
}
