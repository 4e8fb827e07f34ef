import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { DEMO_TASK_CODE } from '../../src/main/demo/seedDemo.js';
import { idCheckChar } from '../../src/shared/idNumber.js';
import { csvBytes } from '../helpers/rosterFiles.js';
import { capturableDemoStudents } from '../helpers/stationCapture.js';
import { PORTRAIT_DIR } from '../../bench/finish/portraitFixtures.js';
import { useKioskAndBrowser } from './support/launchKiosk.js';

describe('E2E: keyboard-only check-in and a manager’s roster import', () => {
  const env = useKioskAndBrowser();

  /** PIN, Enter, Enter: logged in and on the demo task's check-in, keys only. */
  async function photographerByKeyboard() {
    const page = await env.browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(env.kiosk.launchUrl);
    await page.getByTestId('pin-input').waitFor();
    await page.keyboard.type('1234');
    await page.keyboard.press('Enter');
    await page.getByTestId(`task-card-${DEMO_TASK_CODE}`).waitFor();
    await page.keyboard.press('Enter');
    return page;
  }

  test('a photographer checks a student in without touching the mouse', async () => {
    const page = await photographerByKeyboard();
    await page.getByTestId('search-input').waitFor();
    await page.keyboard.type('2022');
    await page.getByTestId('search-result').first().waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.getByTestId('student-card').waitFor();
    const name = await page.getByTestId('student-name').innerText();
    await page.keyboard.press('Enter');
    await page.getByTestId('capture-screen').waitFor();
    await page.keyboard.press('F3');
    await page.getByTestId('queue-row').first().waitFor();
    assert.match(await page.getByTestId('queue-row').first().innerText(), new RegExp(name));
    await page.keyboard.press('F2');
    await page.getByTestId('search-input').waitFor();
    await page.close();
  });

  test('↓ and Enter act on the list on screen, even while it is still the previous query\'s; a number typed fast and Enter opens that student, not the first row', async () => {
    const page = await photographerByKeyboard();
    const rows = page.getByTestId('search-result');
    const nameOf = async (i: number) => (await rows.nth(i).innerText()).trim().split(/\s+/)[0]!;

    // '202' listed; one more digit typed and, before its answer comes, ↓ Enter: the second row shown
    // is the one the photographer chose. (The demo's 2022… numbers list the same rows for both.)
    await page.getByTestId('search-input').waitFor();
    await page.keyboard.type('202');
    await rows.nth(1).waitFor();
    const second = await nameOf(1);
    await page.keyboard.type('2');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.getByTestId('student-card').waitFor();
    assert.equal((await page.getByTestId('student-name').innerText()).trim().split(/\s+/)[0], second);
    await page.keyboard.press('Escape');

    // A student number typed at a person's pace (faster would be a scanner's burst) and Enter at once,
    // on the list of its first digits: that student opens, not the list's first row.
    await page.getByTestId('search-input').fill('');
    await page.getByTestId('search-input').focus();
    await page.keyboard.type('202');
    await rows.nth(3).waitFor();
    const number = /\b(20\d{8})\b/.exec(await rows.nth(3).innerText())![1]!;
    const third = await nameOf(3);
    await page.keyboard.type(number.slice(3), { delay: 70 });
    await page.keyboard.press('Enter');
    await page.getByTestId('student-card').waitFor();
    assert.equal((await page.getByTestId('student-name').innerText()).trim().split(/\s+/)[0], third);
    await page.close();
  });

  test('a site manager imports a roster with bad rows; good rows import and each bad row is listed', async () => {
    const page = await env.browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(env.kiosk.launchUrl);
    await page.getByTestId('pin-input').fill('9999');
    await page.getByTestId('pin-submit').click();
    await page.getByTestId(`task-card-${DEMO_TASK_CODE}`).waitFor();
    const good = '44010620040404111';
    const file = join(env.kiosk.dataDir, 'import.csv');
    writeFileSync(
      file,
      csvBytes(
        [
          ['姓名', '身份证号', '学号', '院系'],
          ['新同学', good + idCheckChar(good), '2099010001', '测试学院'],
          ['错校验', good + (idCheckChar(good) === '1' ? '2' : '1'), '2099010002', '测试学院'],
        ],
        'gbk',
      ),
    );
    await page.getByTestId('roster-import-input').setInputFiles(file);
    await page.getByTestId('roster-report').waitFor();
    const report = await page.getByTestId('roster-report').innerText();
    assert.match(report, /GBK/);
    assert.match(report, /校验位/);
    assert.match(report, /身份证号/);
    // The imported student is searchable at once.
    await page.getByTestId(`task-card-${DEMO_TASK_CODE}`).click();
    await page.getByTestId('search-input').fill('新同学');
    await page.getByTestId('search-result').first().waitFor();
    assert.equal(await page.getByTestId('search-result').count(), 1);
    await page.close();
  });

  test('a site manager loads the admission photos from a folder; matches, unknown names and the student card say so', { timeout: 120_000 }, async () => {
    const [student] = capturableDemoStudents();
    const folder = join(env.kiosk.dataDir, '录取照片');
    mkdirSync(folder, { recursive: true });
    copyFileSync(join(PORTRAIT_DIR, 'portrait-c.jpg'), join(folder, `${student!.studentNo}.jpg`));
    copyFileSync(join(PORTRAIT_DIR, 'portrait-b.jpg'), join(folder, '9999999999.jpg'));
    const page = await env.browser.newPage({ viewport: { width: 1366, height: 900 } });
    await page.goto(env.kiosk.launchUrl);
    await page.getByTestId('pin-input').fill('9999');
    await page.getByTestId('pin-submit').click();
    await page.getByTestId('admission-folder').fill(folder);
    await page.getByTestId('admission-import-button').click();
    await page.getByTestId('admission-report').waitFor({ timeout: 90_000 });
    assert.match(await page.getByTestId('admission-report').innerText(), /共 2 个文件：导入 1 张/);
    assert.match(await page.getByTestId('admission-unknown').innerText(), /9999999999\.jpg/);
    // The student's card now shows the admission photo (and the comparison will run at acceptance).
    await page.getByTestId(`task-card-${DEMO_TASK_CODE}`).click();
    await page.getByTestId('search-input').fill(student!.studentNo!);
    await page.getByTestId('search-result').first().click();
    await page.locator('[data-testid="admission-photo"][data-present="true"] img').waitFor();
    await page.close();
  });

  test('a photographer is not offered the roster import', async () => {
    const page = await env.browser.newPage();
    await page.goto(env.kiosk.launchUrl);
    await page.getByTestId('pin-input').fill('1234');
    await page.getByTestId('pin-submit').click();
    await page.getByTestId(`task-card-${DEMO_TASK_CODE}`).waitFor();
    assert.equal(await page.getByTestId('roster-import-input').count(), 0);
    await page.close();
  });
});
