import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadSpecProfiles, requireSpecProfile } from '../../src/main/spec/specProfiles.js';
import { IDLE_STUDENT_VIEW, type StudentViewState } from '../../src/shared/studentView.js';
import { tempApp } from '../helpers/tempApp.js';

const spec = requireSpecProfile(loadSpecProfiles(), 'xuexin');

test("the student's screen: published by an operator, relayed as an event, attached without a login, shown only the photo being confirmed", async () => {
  const app = await tempApp();
  try {
    const events: Array<{ name: string; payload: unknown }> = [];
    app.ctx.subscribe((name, payload) => events.push({ name, payload }));
    const display = app.newSession();
    const stranger = app.newSession();

    // Nothing published yet: a new display is told to wait; nobody may publish without a login.
    assert.deepEqual(await app.call(display, 'studentView.attach', {}), IDLE_STUDENT_VIEW);
    assert.equal(display.studentDisplay, true);
    assert.equal((await app.raw('studentView.publish', { ...IDLE_STUDENT_VIEW, orderId: null }, stranger)).ok, false);

    const photographer = await app.loggedIn('1234');
    const live: StudentViewState = { phase: 'live', hint: { id: 'pose.roll', zh: '请把头摆正', en: 'Keep your head level' }, allGood: false, camera: 'webcam', spec, captureId: null, confirmed: false };
    await app.call(photographer, 'studentView.publish', { ...live, orderId: 'order-1' });
    assert.deepEqual(events.filter((e) => e.name === 'studentView.changed').map((e) => e.payload), [live]);
    assert.deepEqual(await app.call(display, 'studentView.attach', {}), live);

    // A photo only while one is being confirmed, and only to a display.
    assert.deepEqual(await app.call(display, 'studentView.photo', {}), { jpegBase64: null });
    const refused = await app.raw('studentView.photo', {}, stranger);
    assert.equal(refused.ok ? 'ok' : refused.error.code, 'FORBIDDEN');
    // A display is still nobody: the photographer's procedures stay closed to it.
    const search = await app.raw('students.search', { taskCode: 'DEMO2026', query: '2022' }, display);
    assert.equal(search.ok ? 'ok' : search.error.code, 'UNAUTHENTICATED');
    // What is published is checked like any input: no unknown fields, no oversized words.
    const bad = await app.raw('studentView.publish', { ...live, orderId: 'order-1', studentName: '张三' }, photographer);
    assert.equal(bad.ok ? 'ok' : bad.error.code, 'BAD_INPUT');
    // The order stays on the station's side: the display is never told it.
    assert.ok(!JSON.stringify(await app.call(display, 'studentView.attach', {})).includes('order-1'));

    // The student confirms the photo on their screen: once, only that photo, recorded on the order.
    const code = async (r: Promise<{ ok: boolean; error?: { code: string } }>) => ((x) => (x.ok ? 'ok' : x.error!.code))(await r);
    assert.equal(await code(app.raw('studentView.confirm', { captureId: 'cap-1' }, display)), 'CONFLICT', 'nothing shown to confirm yet');
    const shown = { ...live, phase: 'confirm' as const, hint: null, captureId: 'cap-1', orderId: 'order-1' };
    await app.call(photographer, 'studentView.publish', shown);
    assert.equal(await code(app.raw('studentView.confirm', { captureId: 'cap-1' }, stranger)), 'FORBIDDEN');
    assert.equal(await code(app.raw('studentView.confirm', { captureId: 'cap-0' }, display)), 'CONFLICT', 'only the photo on screen');
    assert.equal((await app.call(display, 'studentView.confirm', { captureId: 'cap-1' })).confirmed, true);
    await app.call(display, 'studentView.confirm', { captureId: 'cap-1' });
    const audit = app.ctx.db.prepare(`SELECT entity, entity_id, operator_id, detail FROM audit_log WHERE action = 'capture.student_confirmed'`).all();
    assert.deepEqual(audit, [{ entity: 'order', entity_id: 'order-1', operator_id: null, detail: JSON.stringify({ captureId: 'cap-1' }) }]);
    const last = events.filter((e) => e.name === 'studentView.changed').at(-1)!.payload as StudentViewState;
    assert.equal(last.confirmed, true);
    // Published again (the photographer's screen re-renders), the photo stays confirmed.
    await app.call(photographer, 'studentView.publish', shown);
    assert.equal((await app.call(display, 'studentView.attach', {})).confirmed, true);
  } finally {
    await app.close();
  }
});
