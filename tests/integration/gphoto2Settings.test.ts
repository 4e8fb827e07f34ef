import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { listAudit } from '../../src/main/db/queries/audit.js';
import { DEMO_TASK_CODE } from '../../src/main/demo/seedDemo.js';
import type { Session } from '../../src/main/services/AppContext.js';
import { tempApp } from '../helpers/tempApp.js';
import { virtualCameraRig, type VirtualCameraRig } from './gphoto2Rig.js';

/**
 * Camera settings from the station (issue 17) against the virtual Nikon D750's settings: read with
 * their allowed values, set one at a time, a refusal said in words, presets per task saved by a
 * manager and applied by the photographer, and the active preset put back on the body after it
 * reconnects (the virtual body starts each session from its defaults, as one switched off and on).
 */
describe('station: DSLR settings and presets through the libgphoto2 addon', () => {
  let rig: VirtualCameraRig;
  let app: Awaited<ReturnType<typeof tempApp>>;
  let photographer: Session;
  let manager: Session;

  const settled = async (want: (s: Awaited<ReturnType<typeof state>>) => boolean) => {
    let s = await state();
    for (let i = 0; i < 300 && !want(s); i++) s = (await new Promise((r) => setTimeout(r, 100)), await state());
    return s;
  };
  const state = () => app.call(photographer, 'camera.get', {});
  const value = async (key: string) => (await app.call(photographer, 'camera.dslrSettings', {})).settings.find((s) => s.key === key)?.value;

  before(async () => {
    // The body refuses focus-mode changes, as one whose mode dial is on AUTO.
    rig = await virtualCameraRig({ VCAMERA_REFUSE_PROPS: '0x500a' });
    Object.assign(process.env, rig.env);
    process.env.CC_GPHOTO2_ADDON = '1';
    app = await tempApp({ demo: true });
    photographer = await app.loggedIn('1234');
    manager = await app.loggedIn('9999');
    await app.call(manager, 'camera.set', { kind: 'gphoto2', hotFolder: null, dslr: { model: 'Nikon DSC D750', port: null, captureTarget: 'card', keepAliveMinutes: 25 } });
    assert.equal((await settled((s) => s.dslr?.phase === 'idle')).dslr?.phase, 'idle');
  });
  after(async () => {
    delete process.env.CC_GPHOTO2_ADDON;
    await app.ctx.camera.close();
    await app.close();
    rig.cleanup();
  });

  test('the body\'s settings with their allowed values; one set, and refusals said in words', { timeout: 60_000 }, async () => {
    const read = await app.call(photographer, 'camera.dslrSettings', {});
    assert.equal(read.available, true);
    assert.deepEqual(read.settings.map((s) => s.key), ['iso', 'aperture', 'shutterSpeed', 'whiteBalance', 'imageQuality', 'focusMode', 'captureTarget']);
    const iso = read.settings.find((s) => s.key === 'iso')!;
    assert.equal(iso.value, '100');
    assert.ok(iso.choices.includes('400') && iso.choices.includes('12800'));
    assert.ok(read.settings.find((s) => s.key === 'whiteBalance')!.choices.includes('Flash'));
    assert.ok(read.settings.find((s) => s.key === 'aperture')!.choices.includes('f/8'));

    const set = await app.call(photographer, 'camera.setDslrSetting', { key: 'iso', value: '400' });
    assert.deepEqual([set.ok, set.value], [true, '400']);
    assert.equal(await value('iso'), '400', 'the body holds it');

    const notOffered = await app.call(photographer, 'camera.setDslrSetting', { key: 'iso', value: '333' });
    assert.equal(notOffered.ok, false);
    assert.match(notOffered.zh!, /不提供/);
    assert.match(notOffered.en!, /does not offer/);

    const refused = await app.call(photographer, 'camera.setDslrSetting', { key: 'focusMode', value: 'Manual' });
    assert.equal(refused.ok, false);
    assert.match(refused.zh!, /模式拨盘/);
    assert.match(refused.en!, /mode dial/);
    assert.equal(await value('focusMode'), 'AF-S', 'the body kept its own');
  });

  test('a task preset saved by a manager, applied by the photographer, and put back after the camera reconnects', { timeout: 90_000 }, async () => {
    const preset = {
      name: '室内蓝布 + 闪光灯 1/100 f/8 ISO400',
      values: { iso: '400', aperture: 'f/8', shutterSpeed: '0.0100s', whiteBalance: 'Flash', imageQuality: 'JPEG Fine', focusMode: 'AF-C' },
    };
    const denied = await app.raw('camera.saveDslrPreset', { taskCode: DEMO_TASK_CODE, preset }, photographer);
    assert.ok(!denied.ok && denied.error.code === 'FORBIDDEN');
    const saved = await app.call(manager, 'camera.saveDslrPreset', { taskCode: DEMO_TASK_CODE, preset });
    assert.deepEqual(saved.presets.map((p) => p.name), [preset.name]);
    assert.ok(listAudit(app.ctx.db).some((a) => a.action === 'settings.cameraPreset'));

    const { results } = await app.call(photographer, 'camera.applyDslrPreset', { taskCode: DEMO_TASK_CODE, name: preset.name });
    assert.deepEqual(results.filter((r) => r.ok).map((r) => r.key), ['iso', 'aperture', 'shutterSpeed', 'whiteBalance', 'imageQuality']);
    // The focus mode is held by the body's mode: said, not silently dropped.
    const focus = results.find((r) => r.key === 'focusMode')!;
    assert.equal(focus.ok, false);
    assert.match(focus.zh!, /对焦模式/);
    assert.deepEqual((await app.call(photographer, 'camera.dslrPresets', { taskCode: DEMO_TASK_CODE })).active, preset.name);
    assert.equal(await value('whiteBalance'), 'Flash');
    assert.equal(await value('aperture'), 'f/8');

    // The body drops off and comes back with its defaults: the station applies the preset again.
    rig.unplug();
    await settled((s) => s.dslr?.phase === 'absent');
    rig.replug();
    await settled((s) => s.dslr?.phase === 'idle');
    let wb = await value('whiteBalance');
    for (let i = 0; i < 100 && wb !== 'Flash'; i++) wb = (await new Promise((r) => setTimeout(r, 100)), await value('whiteBalance'));
    assert.equal(wb, 'Flash');
    assert.equal(await value('iso'), '400');
    assert.equal(await value('aperture'), 'f/8');
    const after = await app.call(photographer, 'camera.dslrSettings', {});
    assert.equal(after.lastApplied.find((r) => r.key === 'focusMode')?.ok, false, 'the panel still shows what the body refused');
  });

  test('through the gphoto2 command the panel says settings need the built-in driver', { timeout: 60_000 }, async () => {
    process.env.CC_GPHOTO2_ADDON = '0';
    await app.call(manager, 'camera.set', { kind: 'gphoto2', hotFolder: null });
    await settled((s) => s.dslr?.phase === 'idle');
    const read = await app.call(photographer, 'camera.dslrSettings', {});
    assert.equal(read.available, false);
    assert.match(read.zh!, /libgphoto2/);
    const set = await app.call(photographer, 'camera.setDslrSetting', { key: 'iso', value: '400' });
    assert.equal(set.ok, false);
  });
});
