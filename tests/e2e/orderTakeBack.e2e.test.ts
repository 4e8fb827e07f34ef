import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { DEMO_TASK_CODE } from '../../src/main/demo/seedDemo.js';
import { startKiosk, type RunningKiosk } from './support/launchKiosk.js';
import { fakeCameraBrowser, login, photograph } from './support/kioskFlow.js';

/** Issue 14: the site manager takes an order back from the student's card — 撤回审核, then 已作废 — each with a reason; a photographer is offered 撤回审核 only because the demo task allows it, and never 已作废. */
describe('E2E: 撤回审核 and 已作废 on the student card', () => {
  let kiosk: RunningKiosk;
  let browser: Browser;
  before(async () => {
    kiosk = await startKiosk();
    browser = await fakeCameraBrowser(kiosk);
  });
  after(async () => {
    await browser?.close();
    await kiosk?.stop();
  });

  async function openCard(page: import('playwright-core').Page, name: string): Promise<void> {
    await page.getByTestId('search-input').fill(name);
    await page.getByTestId('search-result').first().click();
    await page.getByTestId('student-card').waitFor();
  }

  test('a photographer sees only 撤回审核 (the demo task allows it); the manager withdraws the accepted photo, then voids the order, and the student can check in again', { timeout: 180_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(kiosk.launchUrl);
    await login(page, '1234');
    await page.getByTestId(`task-card-${DEMO_TASK_CODE}`).click();
    const { name } = await photograph(page, '2023');
    await openCard(page, name);
    // The demo task lets photographers withdraw (its rights, src/shared/domain/taskRights.ts); voiding stays the manager's.
    await page.getByTestId('order-withdraw').waitFor();
    assert.equal(await page.getByTestId('order-void').count(), 0, 'voiding is not for a photographer');
    await page.close();

    const manager = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await manager.goto(kiosk.launchUrl);
    await login(manager, '9999');
    await manager.getByTestId('nav-manager').waitFor();
    await manager.getByTestId('nav-tasks').click();
    await manager.getByTestId(`task-card-${DEMO_TASK_CODE}`).click();
    await openCard(manager, name);
    await manager.getByTestId('order-withdraw').click();
    const confirm = manager.getByTestId('takeback-confirm');
    assert.equal(await confirm.isDisabled(), true, 'a reason first');
    await manager.getByTestId('takeback-reason').fill('学生要求重拍');
    await confirm.click();
    await manager.waitForFunction(() => document.querySelector('[data-testid="checkin-confirm"]')?.textContent?.includes('继续拍摄'), null, { timeout: 15_000 });

    await manager.getByTestId('order-void').click();
    await manager.getByTestId('takeback-reason').fill('测试照片');
    await manager.getByTestId('takeback-confirm').click();
    await manager.waitForFunction(() => document.querySelector('[data-testid="checkin-confirm"]')?.textContent?.includes('确认签到'), null, { timeout: 15_000 });
    assert.equal(await manager.getByTestId('order-takeback').count(), 0, 'nothing left to take back: the student starts afresh');
    await manager.close();
  });
});
