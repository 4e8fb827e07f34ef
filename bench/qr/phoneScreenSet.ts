import sharp from 'sharp';
import { seededRandom } from '../../src/shared/demo/seededRandom.js';
import type { RgbaImage } from '../../src/shared/qr/qrTypes.js';
import { qrModules } from '../../src/main/qr/qrWriter.js';

/** How one phone held up to the station camera looks; every field is drawn from a seed. */
export interface PhoneShot {
  text: string;
  ecLevel: 'L' | 'M' | 'Q' | 'H';
  frameWidth: number;
  frameHeight: number;
  /** Camera pixels per QR module after scaling. */
  modulePx: number;
  /** Degrees, clockwise. */
  angle: number;
  /** Gaussian sigma in camera pixels; 0 = none. */
  blurSigma: number;
  /** 0 = keep lossless. */
  jpegQuality: number;
  /** Screen levels as the camera sees them: washed-out blacks, dim whites. */
  screenDark: number;
  screenLight: number;
  noiseSigma: number;
  /** Where the phone's centre lands, as fractions of the frame. */
  centreX: number;
  centreY: number;
  seed: number;
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function randomChars(rand: () => number, alphabet: string, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(rand() * alphabet.length)];
  return s;
}

/** Shaped like the server's reservation token (DESIGN §4): CC1.<payload>.<Ed25519 signature>. */
export function fakeReservationToken(rand: () => number): string {
  return `CC1.${randomChars(rand, BASE64URL, 116 + Math.floor(rand() * 9))}.${randomChars(rand, BASE64URL, 86)}`;
}

/** 学信网 采集码 payloads are opaque ciphertext; 96 base64 characters is their usual length. */
export function fakeXuexinCode(rand: () => number): string {
  return randomChars(rand, BASE64, 94) + '==';
}

/** The seeded phone-screen set: rotation 5–30°, 2–4 px per module, blur, JPEG 30–70, low contrast. */
export function phoneShots(count: number, seed = 20240601): PhoneShot[] {
  const shots: PhoneShot[] = [];
  for (let i = 0; i < count; i++) {
    const rand = seededRandom(seed * 1000 + i);
    const token = i % 3 !== 2;
    const screenDark = 25 + Math.round(rand() * 70);
    shots.push({
      text: token ? fakeReservationToken(rand) : fakeXuexinCode(rand),
      ecLevel: 'M',
      frameWidth: 1280,
      frameHeight: 720,
      modulePx: 2 + 2 * rand(),
      angle: (5 + 25 * rand()) * (rand() < 0.5 ? -1 : 1),
      blurSigma: 0.4 + 0.8 * rand(),
      jpegQuality: 30 + Math.round(40 * rand()),
      screenDark,
      screenLight: Math.min(245, screenDark + 50 + Math.round(rand() * 140)),
      noiseSigma: 2 + 6 * rand(),
      centreX: 0.3 + 0.4 * rand(),
      centreY: 0.35 + 0.3 * rand(),
      seed: seed * 1000 + i,
    });
  }
  return shots;
}

/** Pixels per module while drawing the phone; the camera's scale-down then anti-aliases it. */
const DRAW_PX = 8;
const QUIET = 4;

/** A phone in portrait: dark bezel, bright screen, a title bar and text lines, the QR in the middle. */
function drawPhone(modules: { data: Uint8Array; size: number }, shot: PhoneShot, rand: () => number) {
  const qrSide = (modules.size + 2 * QUIET) * DRAW_PX;
  const screenW = qrSide + 6 * DRAW_PX;
  const screenH = Math.round(screenW * 1.6);
  const bezel = 5 * DRAW_PX;
  const width = screenW + 2 * bezel;
  const height = screenH + 2 * bezel;
  const { screenDark: dark, screenLight: light } = shot;
  const rgba = Buffer.alloc(width * height * 4);
  const set = (x: number, y: number, v: number) => {
    const p = (y * width + x) * 4;
    rgba[p] = v;
    rgba[p + 1] = v;
    rgba[p + 2] = v;
    rgba[p + 3] = 255;
  };
  const fillRect = (x0: number, y0: number, w: number, h: number, v: number) => {
    for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) set(x, y, v);
  };
  fillRect(0, 0, width, height, 18);
  fillRect(bezel, bezel, screenW, screenH, light);
  // Title bar and "text" lines: dark strokes near the code, as a mini-program page has.
  const mid = (a: number) => Math.round(dark + (light - dark) * a);
  fillRect(bezel, bezel, screenW, 8 * DRAW_PX, mid(0.35));
  const qrX = bezel + 3 * DRAW_PX;
  const qrY = bezel + Math.round((screenH - qrSide) / 2);
  for (let line = 0; line < 3; line++) {
    const w = Math.round(screenW * (0.3 + 0.5 * rand()));
    fillRect(bezel + 3 * DRAW_PX, qrY - (6 - 2 * line) * DRAW_PX - 3 * DRAW_PX, w, DRAW_PX, dark);
    fillRect(bezel + 3 * DRAW_PX, qrY + qrSide + (2 + 2 * line) * DRAW_PX, Math.round(w * 0.8), DRAW_PX, dark);
  }
  for (let my = 0; my < modules.size; my++) {
    for (let mx = 0; mx < modules.size; mx++) {
      if (modules.data[my * modules.size + mx]! !== 0) continue;
      fillRect(qrX + (QUIET + mx) * DRAW_PX, qrY + (QUIET + my) * DRAW_PX, DRAW_PX, DRAW_PX, dark);
    }
  }
  return { rgba, width, height };
}

/** A cluttered, unevenly lit room: gradient, coloured boxes, some bright and dark. */
function drawBackground(width: number, height: number, rand: () => number): Buffer {
  const rgb = new Uint8ClampedArray(width * height * 3);
  const base = [60 + rand() * 120, 60 + rand() * 120, 60 + rand() * 120];
  const gx = (rand() - 0.5) * 120;
  const gy = (rand() - 0.5) * 120;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 3;
      const shade = (gx * x) / width + (gy * y) / height;
      rgb[p] = base[0]! + shade;
      rgb[p + 1] = base[1]! + shade;
      rgb[p + 2] = base[2]! + shade;
    }
  }
  for (let k = 0; k < 14; k++) {
    const w = Math.round(40 + rand() * 300);
    const h = Math.round(40 + rand() * 300);
    const x0 = Math.round(rand() * (width - w));
    const y0 = Math.round(rand() * (height - h));
    const colour = [rand() * 255, rand() * 255, rand() * 255];
    for (let y = y0; y < y0 + h; y++) {
      for (let x = x0; x < x0 + w; x++) {
        const p = (y * width + x) * 3;
        for (let c = 0; c < 3; c++) rgb[p + c] = colour[c]!;
      }
    }
  }
  return Buffer.from(rgb.buffer, rgb.byteOffset, rgb.byteLength);
}

/** Box–Muller; the camera's sensor noise. */
function gaussian(rand: () => number): number {
  const u = Math.max(1e-12, rand());
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/** Millions of noise samples per frame: draw them from a seeded table rather than calling log/cos each time. */
function noiseTable(rand: () => number): Float32Array {
  const table = new Float32Array(1 << 16);
  for (let i = 0; i < table.length; i++) table[i] = gaussian(rand);
  return table;
}

/** Renders the camera frame as RGB, after blur, noise and (if asked) a JPEG round trip. */
export async function renderPhoneShot(shot: PhoneShot): Promise<{ rgb: Buffer; width: number; height: number }> {
  const rand = seededRandom(shot.seed ^ 0x5eed);
  const modules = await qrModules(shot.text, shot.ecLevel);
  const phone = drawPhone(modules, shot, rand);
  const rotated = await sharp(phone.rgba, { raw: { width: phone.width, height: phone.height, channels: 4 } })
    .rotate(shot.angle, { background: { r: 0, g: 0, b: 0, alpha: 0 } })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const scale = shot.modulePx / DRAW_PX;
  const small = await sharp(rotated.data, { raw: { width: rotated.info.width, height: rotated.info.height, channels: 4 } })
    .resize(Math.max(1, Math.round(rotated.info.width * scale)), Math.max(1, Math.round(rotated.info.height * scale)), { kernel: 'lanczos3' })
    .png({ compressionLevel: 0 })
    .toBuffer({ resolveWithObject: true });
  const { frameWidth: W, frameHeight: H } = shot;
  const left = Math.round(shot.centreX * W - small.info.width / 2);
  const top = Math.round(shot.centreY * H - small.info.height / 2);
  let pipeline = sharp(drawBackground(W, H, rand), { raw: { width: W, height: H, channels: 3 } }).composite([{ input: small.data, left, top }]);
  const composed = await pipeline.removeAlpha().raw().toBuffer();
  pipeline = sharp(composed, { raw: { width: W, height: H, channels: 3 } });
  if (shot.blurSigma >= 0.3) pipeline = pipeline.blur(shot.blurSigma);
  const blurred = await pipeline.raw().toBuffer();
  const table = noiseTable(rand);
  let state = (shot.seed * 2654435761) >>> 0 || 1;
  const next = () => {
    // xorshift32 picks table entries; cheap enough for three samples per pixel.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return table[(state >>> 0) & 0xffff]!;
  };
  const chroma = shot.noiseSigma * 0.3;
  // A clamped view rounds and saturates on store.
  const px = new Uint8ClampedArray(blurred.buffer, blurred.byteOffset, blurred.length);
  for (let i = 0; i < px.length; i += 3) {
    // Luminance noise plus a little per-channel chroma noise, as a small webcam sensor gives.
    const n = next() * shot.noiseSigma;
    px[i] = px[i]! + n + next() * chroma;
    px[i + 1] = px[i + 1]! + n + next() * chroma;
    px[i + 2] = px[i + 2]! + n + next() * chroma;
  }
  if (shot.jpegQuality <= 0) return { rgb: blurred, width: W, height: H };
  const jpeg = await sharp(blurred, { raw: { width: W, height: H, channels: 3 } }).jpeg({ quality: shot.jpegQuality }).toBuffer();
  const rgb = await sharp(jpeg).removeAlpha().raw().toBuffer();
  return { rgb, width: W, height: H };
}

export function rgbToRgba(rgb: Buffer, width: number, height: number): RgbaImage {
  const out = new Uint8ClampedArray(width * height * 4);
  for (let i = 0, j = 0; i < width * height; i++, j += 3) {
    out[i * 4] = rgb[j]!;
    out[i * 4 + 1] = rgb[j + 1]!;
    out[i * 4 + 2] = rgb[j + 2]!;
    out[i * 4 + 3] = 255;
  }
  return { data: out, width, height };
}

export interface PhoneCase {
  name: string;
  image: RgbaImage;
  expected: string;
  shot: PhoneShot;
}

export async function phoneScreenSet(count = 100, seed?: number): Promise<PhoneCase[]> {
  const cases: PhoneCase[] = [];
  for (const shot of phoneShots(count, seed)) {
    const { rgb, width, height } = await renderPhoneShot(shot);
    cases.push({ name: `phone-${shot.seed}`, image: rgbToRgba(rgb, width, height), expected: shot.text, shot });
  }
  return cases;
}
