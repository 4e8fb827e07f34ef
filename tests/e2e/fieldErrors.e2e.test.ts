import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEMO_TASK_CODE } from '../../src/main/demo/seedDemo.js';
import { login } from './support/kioskFlow.js';
import { useKioskAndBrowser } from './support/launchKiosk.js';

// GB 11643's own example number; with its last character changed the check digit no longer matches.
const GOOD_ID = '11010519491231002X';
const BAD_ID = '110105194912310021';

describe('E2E: a bad value is said at its field, in words (issue 15)', () => {
  const rig = useKioskAndBrowser();

  test('a walk-in with a mistyped ID number: the field is marked and says why; the code only in a details line', { timeout: 60_000 }, async () => {
    const page = await rig.browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(rig.kiosk.launchUrl);
    await login(page, '1234');
    await page.getByTestId(`task-card-${DEMO_TASK_CODE}`).click();
    await page.getByTestId('walkin-button').click();
    await page.getByTestId('field-name').fill('测试学生');
    await page.getByTestId('field-idNumber').fill(BAD_ID);
    await page.getByTestId('walkin-submit').click();

    const problem = page.getByTestId('field-idNumber-problem');
    await problem.waitFor();
    assert.match(await problem.innerText(), /校验位不对[\s\S]*check digit/);
    assert.equal(await page.getByTestId('field-idNumber').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'field-idNumber');
    assert.doesNotMatch(await page.locator('main').innerText(), /BAD_INPUT|请求内容无效|student\.idNumber/);
    assert.equal(await page.getByTestId('walkin-screen').count(), 1, 'nothing was sent');

    await page.getByTestId('field-idNumber').fill(GOOD_ID);
    await page.getByTestId('walkin-submit').click();
    await page.getByTestId('capture-screen').waitFor();
    await page.close();
  });

  test('export dates are YYYY-MM-DD whatever the browser locale, and a wrong one is said at the field', { timeout: 60_000 }, async () => {
    const context = await rig.browser.newContext({ locale: 'en-US', viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    await page.goto(rig.kiosk.launchUrl);
    await login(page, '9999');
    await page.getByTestId('nav-manager').waitFor();
    await page.keyboard.press('F8');
    const from = page.getByTestId('manager-from');
    assert.match(await from.inputValue(), /^\d{4}-\d{2}-\d{2}$/);
    await from.fill('12/07/2026');
    await page.getByTestId('manager-from-error').waitFor();
    assert.match(await page.getByTestId('manager-from-error').innerText(), /年-月-日/);
    await from.fill('2026-12-07');
    assert.equal(await page.getByTestId('manager-from-error').count(), 0);
    await context.close();
  });
});
