import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { seededRandom } from '../../src/shared/demo/seededRandom.js';
import type { FaceGeometry } from '../../src/shared/vision/faceGeometry.js';
import { PORTRAIT_DIR, PORTRAIT_FACES, scaleFace } from './portraitFixtures.js';

/** A 24 MP camera-like JPEG (6000×4000) made from portrait-a, with its face geometry: shared by the
 * finishing and the shutter benches. Seeded, so every run measures the same file. */
export function make24mp(): Promise<{ jpeg: Buffer; face: FaceGeometry }> {
  return makeCameraStill(6000, 4000);
}

const SEED = 0x5eed;

/**
 * The same camera-like JPEG at another size: a body set to a smaller JPEG (6 MP: 3000×2000) or a
 * webcam's 1080p frame (1920×1080), portrait-a filling the height.
 */
export async function makeCameraStill(WIDTH: number, HEIGHT: number): Promise<{ jpeg: Buffer; face: FaceGeometry }> {
  const source = readFileSync(join(PORTRAIT_DIR, 'portrait-a.jpg'));
  const k = HEIGHT / PORTRAIT_FACES.a.imageHeight;
  const up = await sharp(source).resize({ height: HEIGHT, kernel: 'lanczos3' }).raw().toBuffer({ resolveWithObject: true });
  const pad = WIDTH - up.info.width;
  const left = Math.floor(pad / 2);
  const { data } = await sharp(up.data, { raw: { width: up.info.width, height: up.info.height, channels: 3 } })
    .extend({ left, right: pad - left, extendWith: 'mirror' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  // Grain of σ ≈ 5 levels: an upscaled picture alone compresses (and decodes) unrealistically fast.
  const rand = seededRandom(SEED);
  for (let i = 0; i < data.length; i++) data[i] = Math.max(0, Math.min(255, data[i]! + Math.round((rand() + rand() + rand() - 1.5) * 10)));
  const jpeg = await sharp(data, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } }).jpeg({ quality: 95 }).toBuffer();
  return { jpeg, face: scaleFace(PORTRAIT_FACES.a, k, left, 0, WIDTH, HEIGHT) };
}

