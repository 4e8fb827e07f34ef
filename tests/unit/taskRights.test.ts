import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TaskSummary } from '../../src/shared/domain/entities.js';
import { ORDER_STATUSES } from '../../src/shared/domain/status.js';
import { DEFAULT_TASK_RIGHTS, offersCameraSettings, offersWithdraw, roleMay, taskRightRefusal, taskRightsFromRow, TaskRights } from '../../src/shared/domain/taskRights.js';
import { TaskItem } from '../../src/shared/sync/protocol.js';

const NONE: TaskRights = { photographerMayWithdraw: false, photographerMaySetCamera: false };
const ALL: TaskRights = { photographerMayWithdraw: true, photographerMaySetCamera: true };

test('a site manager may always; a photographer only what the task gives', () => {
  for (const rights of [NONE, ALL, DEFAULT_TASK_RIGHTS]) {
    assert.equal(roleMay('manager', 'withdraw', rights), true);
    assert.equal(roleMay('manager', 'setCamera', rights), true);
  }
  assert.equal(roleMay('photographer', 'withdraw', NONE), false);
  assert.equal(roleMay('photographer', 'setCamera', NONE), false);
  assert.equal(roleMay('photographer', 'withdraw', { photographerMayWithdraw: true, photographerMaySetCamera: false }), true);
  assert.equal(roleMay('photographer', 'setCamera', { photographerMayWithdraw: true, photographerMaySetCamera: false }), false);
  assert.equal(roleMay('photographer', 'setCamera', { photographerMayWithdraw: false, photographerMaySetCamera: true }), true);
});

test('the defaults keep what stations did before: only the manager withdraws, anyone sets the camera', () => {
  assert.equal(roleMay('photographer', 'withdraw', DEFAULT_TASK_RIGHTS), false);
  assert.equal(roleMay('photographer', 'setCamera', DEFAULT_TASK_RIGHTS), true);
  // A feed item or task summary from before the rights parses to the same defaults.
  const item = TaskItem.parse({ code: 'OLD1', name: 'n', schoolName: 's', schoolCode: '1', site: '', sessionDates: [], slots: [], specId: 'xuexin', priceCents: 0, publicKey: 'k' });
  assert.deepEqual([item.photographerMayWithdraw, item.photographerMaySetCamera], [false, true]);
  const summary = TaskSummary.parse({ code: 'OLD1', name: 'n', schoolName: 's', schoolCode: '1', site: '', sessionDates: [], specId: 'xuexin', studentCount: 0, capturedCount: 0 });
  assert.deepEqual([summary.photographerMayWithdraw, summary.photographerMaySetCamera], [false, true]);
  assert.throws(() => TaskItem.parse({ ...item, photographerMayWithdraw: 'yes' }));
});

test('the student card offers 撤回审核 only to a role with the right, and only where the order may go back', () => {
  for (const status of ORDER_STATUSES) {
    const back = status === '已采集' || status === '待审核';
    assert.equal(offersWithdraw('manager', NONE, status), back, `manager, ${status}`);
    assert.equal(offersWithdraw('photographer', ALL, status), back, `photographer with the right, ${status}`);
    assert.equal(offersWithdraw('photographer', NONE, status), false, `photographer without it, ${status}`);
    assert.equal(offersWithdraw(null, ALL, status), false, 'nobody logged in');
  }
});

test('the camera panel offers its controls by the same rule; nobody logged in gets none', () => {
  assert.equal(offersCameraSettings('photographer', DEFAULT_TASK_RIGHTS), true);
  assert.equal(offersCameraSettings('photographer', NONE), false);
  assert.equal(offersCameraSettings('manager', NONE), true);
  assert.equal(offersCameraSettings(undefined, ALL), false);
});

test('a refusal names the task\'s rule in both languages', () => {
  assert.deepEqual(taskRightRefusal('withdraw'), {
    zh: '本任务不允许摄影师撤回审核，请由站点负责人撤回',
    en: 'This task does not let photographers withdraw orders from review; the site manager can',
  });
  assert.match(taskRightRefusal('setCamera').zh, /^本任务不允许摄影师更改相机参数/);
  assert.match(taskRightRefusal('setCamera').en, /^This task does not let photographers change the camera settings/);
});

test('rights read from a store row are 1 for yes and anything else for no', () => {
  assert.deepEqual(taskRightsFromRow({ photographer_may_withdraw: 1, photographer_may_set_camera: 0 }), { photographerMayWithdraw: true, photographerMaySetCamera: false });
  assert.deepEqual(taskRightsFromRow({ photographer_may_withdraw: 0, photographer_may_set_camera: 1 }), { photographerMayWithdraw: false, photographerMaySetCamera: true });
});
