import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';

/** The two screens the kiosk is laid out for: the common photographer's laptop and a 1080p station. */
export const KIOSK_VIEWPORTS = [
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
] as const;

/**
 * A kiosk step "fits" when the page cannot scroll at all (its scroll height is the window's, and a
 * scroll attempt leaves it at 0) and every named control lies wholly inside the window. Panels may
 * scroll inside themselves; the page may not.
 */
export async function assertFits(page: Page, step: string, controls: Record<string, Locator>): Promise<void> {
  const scroll = await page.evaluate(() => {
    window.scrollTo(0, 10_000);
    const after = window.scrollY;
    window.scrollTo(0, 0);
    return { scrollHeight: document.documentElement.scrollHeight, scrollWidth: document.documentElement.scrollWidth, innerHeight: window.innerHeight, innerWidth: window.innerWidth, after };
  });
  assert.ok(scroll.scrollHeight <= scroll.innerHeight, `${step}: the page is ${scroll.scrollHeight} px tall in a ${scroll.innerHeight} px window`);
  assert.ok(scroll.scrollWidth <= scroll.innerWidth, `${step}: the page is ${scroll.scrollWidth} px wide in a ${scroll.innerWidth} px window`);
  assert.equal(scroll.after, 0, `${step}: the page scrolled`);
  for (const [name, control] of Object.entries(controls)) {
    const box = await control.boundingBox();
    assert.ok(box, `${step}: ${name} is not shown`);
    assert.ok(box.width > 0 && box.height > 0, `${step}: ${name} has no size`);
    const inside = box.x >= 0 && box.y >= 0 && box.x + box.width <= scroll.innerWidth + 0.5 && box.y + box.height <= scroll.innerHeight + 0.5;
    assert.ok(inside, `${step}: ${name} at ${JSON.stringify(box)} is outside the ${scroll.innerWidth}×${scroll.innerHeight} window`);
  }
}
