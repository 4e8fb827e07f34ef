import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { GRAB_ATTEMPTS, blankRgba, type BlankGrab } from '../../src/renderer/capture/blankFrame.js';
import { launchChromium } from './support/launchKiosk.js';

/**
 * grabStill in Chromium on a video element whose frames the test writes itself (a
 * MediaStreamTrackGenerator), so the frame under the shutter is known: issue 18's blank grab (the
 * kiosk stored an all-black still now and then under load, and the engine said "no face") is made
 * on purpose with a black frame, and the grab must draw the camera's next frame instead.
 */

interface Outcome {
  blanks: BlankGrab[];
  /** The stored still's mean per channel and its size, or the error the grab threw. */
  still: { mean: [number, number, number]; width: number; height: number } | null;
  error: { name: string; key?: string } | null;
}

/** The page side: a video fed frame by frame, and a shutter that may write frames while grabbing. */
const RIG = String.raw`
window.rig = (() => {
  const gen = new MediaStreamTrackGenerator({ kind: 'video' });
  const writer = gen.writable.getWriter();
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  document.body.append(video);
  video.srcObject = new MediaStream([gen]);
  void video.play();
  let ts = 0;
  const paint = (what) => {
    const c = new OffscreenCanvas(640, 360);
    const x = c.getContext('2d');
    if (what === 'black') {
      x.fillStyle = '#000';
      x.fillRect(0, 0, 640, 360);
    } else {
      // A dim room (what a real camera gives at dusk) or a lit one: a backdrop and a head-and-shoulders shape.
      const k = what === 'dim' ? 0.15 : 1;
      const c255 = (v) => Math.round(v * k);
      x.fillStyle = 'rgb(' + c255(70) + ',' + c255(120) + ',' + c255(200) + ')';
      x.fillRect(0, 0, 640, 360);
      x.fillStyle = 'rgb(' + c255(220) + ',' + c255(180) + ',' + c255(150) + ')';
      x.beginPath();
      x.ellipse(320, 150, 70, 90, 0, 0, Math.PI * 2);
      x.fill();
      x.fillStyle = 'rgb(' + c255(30) + ',' + c255(30) + ',' + c255(40) + ')';
      x.fillRect(180, 250, 280, 110);
    }
    return new VideoFrame(c, { timestamp: (ts += 66_000) });
  };
  /** Writes a frame and resolves once the video element has presented it. */
  const show = (what) =>
    new Promise((resolve) => {
      video.requestVideoFrameCallback(() => resolve());
      void writer.write(paint(what));
    });
  const stats = async (blob) => {
    const bmp = await createImageBitmap(blob);
    const c = new OffscreenCanvas(bmp.width, bmp.height);
    const x = c.getContext('2d');
    x.drawImage(bmp, 0, 0);
    const d = x.getImageData(0, 0, bmp.width, bmp.height).data;
    const sum = [0, 0, 0];
    for (let i = 0; i < d.length; i += 4) for (let k = 0; k < 3; k++) sum[k] += d[i + k];
    const n = d.length / 4;
    return { mean: sum.map((s) => s / n), width: bmp.width, height: bmp.height };
  };
  /** Shows 'before', presses the shutter, then (if given) writes 'next' while the grab runs. */
  return async (before, next) => {
    await show(before);
    const blanks = [];
    // grabStill draws at once (the video has a frame): the frame written after the call is the next one.
    const grabbing = window.campusGrab.grabStill(video, { onBlank: (b) => blanks.push(b) });
    if (next) void writer.write(paint(next));
    try {
      return { blanks, still: await stats(await grabbing), error: null };
    } catch (e) {
      return { blanks, still: null, error: { name: e.name, key: e.key } };
    }
  };
})();
`;

describe('grabStill: a blank camera frame is drawn again, never stored (issue 18)', () => {
  let browser: Browser;
  let grabScript: string;
  before(async () => {
    const bundle = await build({ entryPoints: ['src/renderer/capture/grabStill.ts'], bundle: true, format: 'iife', globalName: 'campusGrab', write: false, target: 'chrome120', logLevel: 'error' });
    grabScript = bundle.outputFiles[0]!.text;
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  /** A fresh page and video per case: each case's first frame is its own. */
  const shoot = async (before: string, next: string | null): Promise<Outcome> => {
    const page: Page = await browser.newPage();
    try {
      await page.addScriptTag({ content: grabScript });
      await page.addScriptTag({ content: RIG });
      return await page.evaluate(([b, n]) => (window as unknown as { rig(b: string, n: string | null): Promise<Outcome> }).rig(b, n), [before, next] as const);
    } finally {
      await page.close();
    }
  };

  test('a black frame under the shutter: the next frame is drawn and stored, the black one is reported', { timeout: 60_000 }, async () => {
    const r = await shoot('black', 'lit');
    assert.equal(r.error, null, `the grab failed: ${JSON.stringify(r.error)}`);
    // The lit picture's backdrop is blue (70,120,200) over most of the frame: far from black.
    assert.ok(r.still!.mean[2] > 100, `the stored still is the picture, not black: mean ${r.still!.mean.map((v) => v.toFixed(1)).join(',')}`);
    assert.deepEqual(r.blanks.map((b) => [b.attempt, b.kind]), [[1, 'black']]);
    assert.deepEqual([r.still!.width, r.still!.height], [640, 360]);
  });

  test('a camera that gives only black frames: said (errors.cameraBlankFrame) after a bounded number of grabs', { timeout: 60_000 }, async () => {
    const r = await shoot('black', null);
    assert.equal(r.still, null);
    assert.deepEqual(r.error, { name: 'LocalError', key: 'errors.cameraBlankFrame' });
    assert.deepEqual(r.blanks.map((b) => b.attempt), Array.from({ length: GRAB_ATTEMPTS }, (_, i) => i + 1));
  });

  test('a dim but real picture is stored at once, not taken for blank', { timeout: 60_000 }, async () => {
    const r = await shoot('dim', null);
    assert.equal(r.error, null, `the grab failed: ${JSON.stringify(r.error)}`);
    assert.deepEqual(r.blanks, []);
    assert.ok(r.still!.mean[2] > 15 && r.still!.mean[2] < 60, `the dim picture itself: mean ${r.still!.mean.map((v) => v.toFixed(1)).join(',')}`);
  });
});

describe('grabStill: the thumbnail test', () => {
  const cells = (n: number, rgba: [number, number, number, number]) => new Uint8ClampedArray(Array.from({ length: n }, () => rgba).flat());

  test('nothing drawn is transparent, an opaque black frame is black, one bright cell is a picture', () => {
    assert.equal(blankRgba(cells(32 * 18, [0, 0, 0, 0])), 'transparent');
    assert.equal(blankRgba(cells(32 * 18, [0, 0, 0, 255])), 'black');
    assert.equal(blankRgba(cells(32 * 18, [3, 2, 5, 255])), 'black');
    const one = cells(32 * 18, [0, 0, 0, 255]);
    one.set([0, 40, 0, 255], 4 * 200);
    assert.equal(blankRgba(one), null);
    // Bright pixels with no alpha were never drawn: still nothing.
    assert.equal(blankRgba(cells(32 * 18, [200, 200, 200, 0])), 'transparent');
  });
});
