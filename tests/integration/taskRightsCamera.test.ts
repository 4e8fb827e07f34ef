import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { listAudit } from '../../src/main/db/queries/audit.js';
import { DEMO_TASK_CODE } from '../../src/main/demo/seedDemo.js';
import type { Session } from '../../src/main/services/AppContext.js';
import { taskRightRefusal } from '../../src/shared/domain/taskRights.js';
import { tempApp } from '../helpers/tempApp.js';
import { virtualCameraRig, type VirtualCameraRig } from './gphoto2Rig.js';

/**
 * Camera settings "site manager or photographer, as the task allows" (issue 17 item 2) against
 * libgphoto2's virtual Nikon through the in-process driver: a refused photographer leaves the body
 * as it was; a setting that reached the body is audited with who set it, by role.
 */
describe('station: the task decides whether a photographer may set the tethered camera', () => {
  let rig: VirtualCameraRig;
  let app: Awaited<ReturnType<typeof tempApp>>;
  let photographer: Session;
  let manager: Session;
  const value = async (key: string) => (await app.call(photographer, 'camera.dslrSettings', {})).settings.find((s) => s.key === key)?.value;

  before(async () => {
    rig = await virtualCameraRig();
    Object.assign(process.env, rig.env);
    process.env.CC_GPHOTO2_ADDON = '1';
    app = await tempApp({ demo: true });
    photographer = await app.loggedIn('1234');
    manager = await app.loggedIn('9999');
    await app.call(manager, 'camera.set', { kind: 'gphoto2', hotFolder: null, dslr: { model: 'Nikon DSC D750', port: null, captureTarget: 'card', keepAliveMinutes: 25 } });
    for (let i = 0; i < 300 && (await app.call(photographer, 'camera.get', {})).dslr?.phase !== 'idle'; i++) await new Promise((r) => setTimeout(r, 100));
  });
  after(async () => {
    delete process.env.CC_GPHOTO2_ADDON;
    await app.ctx.camera.close();
    await app.close();
    rig.cleanup();
  });

  test('refused, the body keeps its value; the manager sets it; allowed again, the photographer does; each set audited with the role', { timeout: 60_000 }, async () => {
    assert.equal((await app.call(photographer, 'camera.dslrSettings', {})).available, true);
    const before = await value('iso');
    app.ctx.db.prepare('UPDATE tasks SET photographer_may_set_camera = 0 WHERE code = ?').run(DEMO_TASK_CODE);
    const refused = await app.raw('camera.setDslrSetting', { key: 'iso', value: '800', taskCode: DEMO_TASK_CODE }, photographer);
    assert.ok(!refused.ok && refused.error.code === 'FORBIDDEN', JSON.stringify(refused));
    assert.deepEqual({ zh: refused.error.zh, en: refused.error.en }, taskRightRefusal('setCamera'));
    assert.equal(await value('iso'), before, 'the body was not touched');

    assert.equal((await app.call(manager, 'camera.setDslrSetting', { key: 'iso', value: '800', taskCode: DEMO_TASK_CODE })).ok, true);
    assert.equal(await value('iso'), '800');

    app.ctx.db.prepare('UPDATE tasks SET photographer_may_set_camera = 1 WHERE code = ?').run(DEMO_TASK_CODE);
    assert.equal((await app.call(photographer, 'camera.setDslrSetting', { key: 'iso', value: '400', taskCode: DEMO_TASK_CODE })).ok, true);
    assert.equal(await value('iso'), '400');

    const sets = listAudit(app.ctx.db, 1000)
      .filter((a) => a.action === 'settings.cameraSetting')
      .reverse()
      .map((a) => JSON.parse(a.detail!) as { key: string; value: string; role: string; taskCode: string });
    assert.deepEqual(sets, [
      { key: 'iso', value: '800', role: 'manager', taskCode: DEMO_TASK_CODE },
      { key: 'iso', value: '400', role: 'photographer', taskCode: DEMO_TASK_CODE },
    ]);
  });
});
