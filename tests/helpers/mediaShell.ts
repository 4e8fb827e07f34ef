import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_TASK_CODE } from '../../src/main/demo/seedDemo.js';
import type { Session } from '../../src/main/services/AppContext.js';
import { startWebShell, type WebShell } from '../../src/main/web/webShell.js';
import { tempApp } from './tempApp.js';

export interface MediaShell {
  app: Awaited<ReturnType<typeof tempApp>>;
  shell: WebShell;
  /** A photographer's RPC session and its media key (the Bearer of the still routes). */
  s: Session;
  key: string;
  /** A demo student checked in, on the capture screen. */
  orderId: string;
  at(path: string): string;
  close(): Promise<void>;
}

/**
 * A demo station behind the real web shell, as the renderer meets it for stills by URL
 * (src/main/web/stillMedia.ts): logged in, one student checked in and on the capture screen.
 */
export async function startMediaShell(): Promise<MediaShell> {
  const app = await tempApp({ demo: true });
  const rendererDir = join(app.dir, 'renderer');
  mkdirSync(rendererDir, { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>cc</title>');
  const shell = await startWebShell({ port: 0, rendererDir, dispatch: app.dispatch, subscribe: app.ctx.subscribe });
  const s = await app.loggedIn();
  const key = (await app.call(s, 'media.session', {})).key;
  const [student] = (await app.call(s, 'students.search', { taskCode: DEMO_TASK_CODE, query: '2022' })).students;
  const orderId = (await app.call(s, 'checkin.confirm', { taskCode: DEMO_TASK_CODE, studentId: student!.id })).orderId;
  await app.call(s, 'capture.begin', { orderId });
  return {
    app,
    shell,
    s,
    key,
    orderId,
    at: (path) => new URL(path, shell.url).toString(),
    async close() {
      await shell.close();
      await app.close();
    },
  };
}
