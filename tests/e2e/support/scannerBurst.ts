import type { Page } from 'playwright-core';

/**
 * A USB scanner (keyboard wedge) typing `text` then Enter, its keys stamped 4 ms apart as the
 * scanner sends them. Playwright's keyboard.type stamps each key when the page takes it, so on a
 * loaded machine its "burst" came out 40+ ms apart and read as a person typing; DevTools'
 * Input.dispatchKeyEvent takes the time the key happened, which is what the page's detector reads.
 */
export async function scannerBurst(page: Page, text: string): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const start = Date.now() / 1000;
    const keys = [...text].map((ch) => ({ key: ch, text: ch, code: '' })).concat([{ key: 'Enter', text: '\r', code: 'Enter' }]);
    for (const [i, k] of keys.entries()) {
      const timestamp = start + i * 0.004;
      const enter = k.key === 'Enter';
      await cdp.send('Input.dispatchKeyEvent', {
        type: 'keyDown',
        key: k.key,
        text: k.text,
        unmodifiedText: k.text,
        ...(enter ? { code: 'Enter', windowsVirtualKeyCode: 13, nativeVirtualKeyCode: 13 } : {}),
        timestamp,
      });
      await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: k.key, ...(enter ? { code: 'Enter', windowsVirtualKeyCode: 13, nativeVirtualKeyCode: 13 } : {}), timestamp: timestamp + 0.001 });
    }
  } finally {
    await cdp.detach();
  }
}
