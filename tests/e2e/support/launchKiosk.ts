import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { after, before } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { tempDir } from '../../helpers/tempApp.js';

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: [...CHROMIUM_ARGS, ...extraArgs] });
}

export interface RunningKiosk {
  launchUrl: string;
  dataDir: string;
  /** The embedded central server's address, when started with one. */
  serverUrl: string | null;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts the kiosk exactly as a user does (the package's bin), on a free port, in a temp folder.
 * Without `withServer` the embedded central server is left out: most tests are about the station. */
export async function startKiosk(opts: { withServer?: boolean; extraArgs?: string[] } = {}): Promise<RunningKiosk> {
  const tmp = tempDir('cc-e2e-');
  const serverArgs = opts.withServer ? ['--server-port', '0'] : ['--no-server'];
  const child = spawn(process.execPath, ['bin/campus-capture.js', 'start', '--data', tmp.dir, '--port', '0', '--no-open', '--no-electron', ...serverArgs, ...(opts.extraArgs ?? [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const launchUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kiosk did not start:\n${out}\n${err}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/#secret=[0-9a-f]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`kiosk exited with ${code}:\n${out}\n${err}`)));
  });
  return {
    launchUrl,
    dataDir: tmp.dir,
    serverUrl: /central server: (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1] ?? null,
    process: child,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
      tmp.cleanup();
    },
  };
}

/** Inside a describe(): one kiosk and one browser for its tests, stopped after them. The getters
 * are read inside tests, once before() has run. */
export function useKioskAndBrowser(): { readonly kiosk: RunningKiosk; readonly browser: Browser } {
  let kiosk: RunningKiosk | undefined;
  let browser: Browser | undefined;
  before(async () => {
    kiosk = await startKiosk();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await kiosk?.stop();
  });
  return {
    get kiosk() {
      if (!kiosk) throw new Error('kiosk not started');
      return kiosk;
    },
    get browser() {
      if (!browser) throw new Error('browser not started');
      return browser;
    },
  };
}
