import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { DEMO_TASK_CODE } from '../../src/main/demo/seedDemo.js';
import { localDateOf } from '../../src/shared/localDate.js';
import { launchChromium, startKiosk, type RunningKiosk } from './support/launchKiosk.js';

/** Changes the running kiosk's store as a task feed would (WAL lets a writer in beside it). */
function withStore<T>(kiosk: RunningKiosk, f: (db: Database.Database) => T): T {
  const db = new Database(join(kiosk.dataDir, 'station.sqlite'));
  db.pragma('busy_timeout = 5000');
  try {
    return f(db);
  } finally {
    db.close();
  }
}

async function openCheckin(page: Page, kiosk: RunningKiosk): Promise<void> {
  await page.goto(kiosk.launchUrl);
  await page.getByTestId('pin-input').fill('1234');
  await page.getByTestId('pin-submit').click();
  await page.getByTestId(`task-card-${DEMO_TASK_CODE}`).click();
  await page.getByTestId('search-input').waitFor();
}

/** Issue 14: the check-in screen takes the task's 特征码 format and its 散排 mode. */
describe('E2E: check-in by the task\'s rules', () => {
  let kiosk: RunningKiosk;
  let browser: Browser;
  before(async () => {
    kiosk = await startKiosk();
    browser = await launchChromium();
  });
  after(async () => {
    await browser.close();
    await kiosk.stop();
  });

  test('a 4-digit 特征码 task: the form asks for 4 digits and a wrong code is told in the task\'s words', async () => {
    withStore(kiosk, (db) => db.prepare("UPDATE tasks SET feature_code_length = 4, feature_code_alphabet = 'digits' WHERE code = ?").run(DEMO_TASK_CODE));
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    try {
      await openCheckin(page, kiosk);
      await page.getByTestId('feature-code-toggle').click();
      const field = page.getByTestId('feature-code');
      assert.equal(await field.getAttribute('maxlength'), '4');
      assert.equal(await field.getAttribute('inputmode'), 'numeric');
      assert.match(await page.getByTestId('feature-code-format').innerText(), /4 位数字/);
      await page.getByTestId('feature-last4').fill('1234');
      await field.fill('AB12');
      await page.getByTestId('feature-submit').click();
      assert.match(await page.getByTestId('feature-error').innerText(), /本任务的特征码为 4 位数字/);
    } finally {
      await page.close();
      withStore(kiosk, (db) => db.prepare("UPDATE tasks SET feature_code_length = 6, feature_code_alphabet = 'alnum' WHERE code = ?").run(DEMO_TASK_CODE));
    }
  });

  test('the card says when the booked slot is not today, and still offers check-in', async () => {
    const today = localDateOf(new Date());
    const pick = (sameDay: boolean) =>
      withStore(kiosk, (db) =>
        db
          .prepare(
            `SELECT s.student_no, s.name FROM reservations r JOIN students s ON s.id = r.student_id
             WHERE r.state = 'active' AND s.student_no IS NOT NULL AND (substr(r.slot_id, 1, 10) = ?) = ? ORDER BY r.id LIMIT 1`,
          )
          .get(today, sameDay ? 1 : 0) as { student_no: string; name: string },
      );
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    try {
      await openCheckin(page, kiosk);
      const open = async (studentNo: string) => {
        await page.getByTestId('search-input').fill(studentNo);
        await page.getByTestId('search-input').press('Enter');
        await page.getByTestId('student-card').waitFor();
      };
      const later = pick(false);
      await open(later.student_no);
      assert.equal(await page.getByTestId('student-name').innerText(), later.name);
      assert.match(await page.getByTestId('slot-not-today').innerText(), /^预约时段：\d{2}-\d{2} (上午|下午)，非今日$/);
      assert.ok(await page.getByTestId('checkin-confirm').isEnabled(), 'another day is said, never refused');
      await page.keyboard.press('Escape');
      await page.getByTestId('search-input').waitFor();
      const now = pick(true);
      await open(now.student_no);
      assert.equal(await page.getByTestId('student-name').innerText(), now.name);
      assert.equal(await page.getByTestId('slot-not-today').count(), 0);
    } finally {
      await page.close();
    }
  });

  test('a 散排 task: ID last 4 alone lists every match masked, picks none, and the chosen one opens the card', async () => {
    const students = withStore(kiosk, (db) => {
      db.prepare("UPDATE tasks SET checkin_mode = '散排' WHERE code = ?").run(DEMO_TASK_CODE);
      const rows = db.prepare(`SELECT id, name, student_no FROM students WHERE task_code = ? AND source = 'roster' ORDER BY id LIMIT 3 OFFSET 40`).all(DEMO_TASK_CODE) as { id: string; name: string; student_no: string }[];
      for (const r of rows) db.prepare("UPDATE students SET id_last4 = '555X' WHERE id = ?").run(r.id);
      // The roster may already hold someone with these last four: every one of them is a match.
      return db.prepare(`SELECT id, name, student_no FROM students WHERE task_code = ? AND id_last4 = '555X'`).all(DEMO_TASK_CODE) as typeof rows;
    });
    assert.ok(students.length >= 3);
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    try {
      await openCheckin(page, kiosk);
      await page.getByTestId('feature-code-toggle').click();
      await page.getByTestId('last-four-input').fill('555x');
      await page.getByTestId('last-four-submit').click();
      await page.getByTestId('last-four-choose').waitFor();
      const rows = page.getByTestId('last-four-match');
      assert.equal(await rows.count(), students.length);
      const shown = await rows.allInnerTexts();
      for (const s of students) {
        const row = shown.find((text) => text.includes(s.student_no));
        assert.ok(row, `${s.student_no} listed`);
        assert.ok(!row.includes(s.name), 'a full name is not on the list');
      }
      assert.equal(await page.getByTestId('student-card').count(), 0, 'no card opened by itself');
      const chosen = students[1]!;
      await rows.filter({ hasText: chosen.student_no }).getByRole('button').click();
      await page.getByTestId('student-card').waitFor();
      assert.equal(await page.getByTestId('student-name').innerText(), chosen.name);
    } finally {
      await page.close();
      withStore(kiosk, (db) => db.prepare("UPDATE tasks SET checkin_mode = '集中' WHERE code = ?").run(DEMO_TASK_CODE));
    }
  });
});
