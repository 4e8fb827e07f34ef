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
    assert.equal((await app.raw('studentView.publish', IDLE_STUDENT_VIEW, stranger)).ok, false);

    const photographer = await app.loggedIn('1234');
    const live: StudentViewState = { phase: 'live', hint: { id: 'pose.roll', zh: '请把头摆正', en: 'Keep your head level' }, allGood: false, camera: 'webcam', spec, captureId: null };
    await app.call(photographer, 'studentView.publish', live);
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
    const bad = await app.raw('studentView.publish', { ...live, studentName: '张三' }, photographer);
    assert.equal(bad.ok ? 'ok' : bad.error.code, 'BAD_INPUT');
  } finally {
    await app.close();
  }
});
