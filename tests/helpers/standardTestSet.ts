/**
 * The "rest of the standard" test set (issue 18), generated from the shared portraits; nothing is
 * stored. Each case is a JPEG the kiosk's engine checks as it would a shot.
 *
 * Clean cases (no check of the standard may fire on them): each portrait as it is, mirrored, with
 * 60 % of a face height of picture added above (the edge rows copied: room for the headwear cases),
 * 10 % brighter, 10 % darker and turned 2° (mirror-padded, so no fill enters).
 *
 * Doctored cases, each with the check that must fire (warn or fail, per `expect`):
 * - `shoulder raised` (shoulders.level): the picture's sides sheared vertically by 10° about the
 *   chin's column (from 0.6–0.8 face widths out, from the nose down), so the picture-right shoulder
 *   rises and the left drops while head and neck stay as they were;
 * - `one ear hidden` (ears.symmetric): the picture-left ear painted over with the backdrop colour
 *   sampled beside it, as when the head is turned or hair is tucked over one ear;
 * - `fringe over the brows` (hair.covers_brows): a fringe in the student's hair colour from the
 *   forehead down past both brows, with a strand-cut lower edge;
 * - `red eye` (eyes.red): the pupil and inner iris (0.6 iris radii) painted flash-red;
 * - `tinted lenses` (glasses.tinted): brown sunglass lenses (60 % opacity) in a thin frame over
 *   both eyes; `coloured contacts` (glasses.tinted): the irises tinted vivid blue, pupils kept dark;
 * - `striped top` and `checked top` (clothing.pattern): vertical navy/white stripes (period 0.09
 *   face widths) or a red/white check over the clothing below the neck, inside the fixture shape;
 * - `high bun` and `cap` (headwear), on the top-padded still: a bun in the hair colour on top of
 *   the head, or a navy cap with a brim;
 * - `earrings` and `necklace` (jewellery): gold studs with a pearl drop at both ear lobes, or a
 *   chain of gold beads with a pendant across the neck.
 * Positions come from the landmarker's points on each clean portrait (rounded, in STANDARD_POINTS)
 * and the hand-measured face geometry of bench/finish/portraitFixtures.ts.
 *
 * Expectations: per case and portrait in EXPECT (fail, warn, or a known miss with its reason);
 * on clean cases nothing fires except KNOWN_ON_CLEAN (portrait c's head and body are turned ~17°,
 * which pose.yaw fails too: its shoulders read ~14° off the eye line and one ear shows wide).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { PORTRAIT_DIR, PORTRAIT_FACES, personShapeMask, type PortraitId } from '../../bench/finish/portraitFixtures.js';
import type { CheckId } from '../../src/shared/spec/specProfile.js';

type Pt = readonly [number, number];

/**
 * Points of each clean portrait (pixels), as the kiosk's landmarker placed them (rounded): iris
 * centres and radius, the brows' outer ends and tops, landmark 10 (top of the forehead), the chin,
 * the face outline at the ears (234/454) and at the ear lobes (132/361), and the hair colour.
 */
export const STANDARD_POINTS: Record<PortraitId, { irisR: Pt; irisL: Pt; irisRadius: number; browOuterR: Pt; browOuterL: Pt; browTopR: Pt; browTopL: Pt; top: Pt; chin: Pt; edgeR: Pt; edgeL: Pt; lobeR: Pt; lobeL: Pt; faceWidth: number; hair: Pt3 }> = {
  a: { irisR: [377, 288], irisL: [504, 294], irisRadius: 12.5, browOuterR: [324, 263], browOuterL: [560, 267], browTopR: [358, 247], browTopL: [527, 250], top: [445, 179], chin: [436, 552], edgeR: [293, 327], edgeL: [584, 337], lobeR: [296, 394], lobeL: [578, 404], faceWidth: 292, hair: [38, 28, 22] },
  b: { irisR: [559, 405], irisL: [751, 412], irisRadius: 17.3, browOuterR: [488, 369], browOuterL: [830, 383], browTopR: [546, 354], browTopL: [781, 361], top: [664, 243], chin: [649, 779], edgeR: [426, 461], edgeL: [869, 485], lobeR: [432, 561], lobeL: [856, 585], faceWidth: 444, hair: [205, 200, 196] },
  c: { irisR: [673, 327], irisL: [829, 314], irisRadius: 14.6, browOuterR: [607, 305], browOuterL: [884, 285], browTopR: [662, 280], browTopL: [856, 267], top: [757, 191], chin: [783, 625], edgeR: [534, 392], edgeL: [881, 364], lobeR: [550, 472], lobeL: [880, 439], faceWidth: 348, hair: [24, 22, 22] },
};
type Pt3 = readonly [number, number, number];

export interface StandardCase {
  name: string;
  portrait: PortraitId;
  jpeg: Buffer;
  /** The check that must fire, or null for a clean case (none of the standard's checks may fire). */
  check: CheckId | null;
  /** 'quiet': clean, no check of the standard fires; 'fail': the check must fail; 'warn': warn or
   * fail; 'miss': a known blind spot (see EXPECT), reported, not asserted. */
  expect: 'fail' | 'warn' | 'quiet' | 'miss';
}

interface Raw {
  data: Buffer;
  width: number;
  height: number;
}

const jpeg = (s: Sharp) => s.jpeg({ quality: 95 }).toBuffer();
const source = (id: PortraitId) => readFileSync(join(PORTRAIT_DIR, `portrait-${id}.jpg`));
const raw = async (input: Buffer): Promise<Raw> => {
  const { data, info } = await sharp(input).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
};
const fromRaw = (r: Raw) => jpeg(sharp(r.data, { raw: { width: r.width, height: r.height, channels: 3 } }));
const svgOver = (input: Buffer, width: number, height: number, body: string) =>
  jpeg(sharp(input).composite([{ input: Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${body}</svg>`) }]));
const rgb = (c: Pt3) => `rgb(${c[0]},${c[1]},${c[2]})`;

/** Mean colour of a square of the picture (clipped), for painting the backdrop back in. */
function meanColour(r: Raw, cx: number, cy: number, half: number): Pt3 {
  const s = [0, 0, 0];
  let n = 0;
  for (let y = Math.max(0, Math.round(cy - half)); y <= Math.min(r.height - 1, Math.round(cy + half)); y++) {
    for (let x = Math.max(0, Math.round(cx - half)); x <= Math.min(r.width - 1, Math.round(cx + half)); x++) {
      const o = (y * r.width + x) * 3;
      for (let c = 0; c < 3; c++) s[c]! += r.data[o + c]!;
      n++;
    }
  }
  return [Math.round(s[0]! / n), Math.round(s[1]! / n), Math.round(s[2]! / n)];
}

/** Picture added above the head (the edge rows copied), in face heights. */
export const TOP_PAD = 0.6;
const faceHeight = (id: PortraitId) => STANDARD_POINTS[id].chin[1] - STANDARD_POINTS[id].top[1];

async function topPadded(id: PortraitId): Promise<{ jpeg: Buffer; pad: number }> {
  const pad = Math.round(TOP_PAD * faceHeight(id));
  return { jpeg: await jpeg(sharp(source(id)).extend({ top: pad, extendWith: 'copy' })), pad };
}

async function turned2(src: Buffer): Promise<Buffer> {
  const { width = 0, height = 0 } = await sharp(src).metadata();
  const pad = Math.ceil(Math.max(width, height) * 0.05);
  const padded = await sharp(src).extend({ top: pad, bottom: pad, left: pad, right: pad, extendWith: 'mirror' }).png().toBuffer();
  const rotated = await sharp(padded).rotate(2).png().toBuffer();
  const m = await sharp(rotated).metadata();
  return jpeg(sharp(rotated).extract({ left: Math.round((m.width! - width) / 2), top: Math.round((m.height! - height) / 2), width, height }));
}

/** The clean cases; `all: false` leaves out the brightness and 2° variants (tests/e2e/stillChecks
 * runs those for every check already). */
export async function cleanCases(id: PortraitId, all = true): Promise<StandardCase[]> {
  const src = source(id);
  const c = (name: string, j: Buffer): StandardCase => ({ name, portrait: id, jpeg: j, check: null, expect: 'quiet' });
  const out = [c('as is', await jpeg(sharp(src))), c('mirrored', await jpeg(sharp(src).flop())), c('top padded', (await topPadded(id)).jpeg)];
  if (!all) return out;
  return [
    ...out,
    c('10 % brighter', await jpeg(sharp(src).modulate({ brightness: 1.1 }))),
    c('10 % darker', await jpeg(sharp(src).modulate({ brightness: 0.9 }))),
    c('turned 2°', await turned2(src)),
  ];
}

/**
 * Shears the sides of the picture vertically by `deg` about the chin's column, so the picture-right
 * shoulder rises and the left one drops: full from 0.8 face widths out and from 0.2 face heights
 * above the chin down (shoulders rise to chin level at the sides), nothing inside 0.6 face widths or
 * above the nose, so the head and the neck stay as they were.
 */
async function shoulderRaised(id: PortraitId, deg: number): Promise<Buffer> {
  const img = await raw(source(id));
  const p = STANDARD_POINTS[id];
  const out = Buffer.from(img.data);
  const t = Math.tan((deg * Math.PI) / 180);
  const fh = faceHeight(id);
  const fw = p.faceWidth;
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  for (let y = 0; y < img.height; y++) {
    const ry = clamp((y - (p.chin[1] - 0.45 * fh)) / (0.25 * fh));
    if (ry === 0) continue;
    for (let x = 0; x < img.width; x++) {
      const dx = x - p.chin[0];
      const rx = clamp((Math.abs(dx) - 0.6 * fw) / (0.2 * fw));
      if (rx === 0) continue;
      // Right of the chin the source row lies lower: the shoulder there is drawn higher.
      const sy = Math.min(img.height - 1, Math.max(0, y + dx * t * rx * ry));
      const ya = Math.floor(sy);
      const yb = Math.min(img.height - 1, ya + 1);
      const f = sy - ya;
      for (let c = 0; c < 3; c++) out[(y * img.width + x) * 3 + c] = Math.round(img.data[(ya * img.width + x) * 3 + c]! * (1 - f) + img.data[(yb * img.width + x) * 3 + c]! * f);
    }
  }
  return fromRaw({ ...img, data: out });
}

/** The picture-left ear (subject's right) painted over with the backdrop sampled beyond it. */
async function earHidden(id: PortraitId): Promise<Buffer> {
  const img = await raw(source(id));
  const p = STANDARD_POINTS[id];
  const fw = p.faceWidth;
  const bg = meanColour(img, p.edgeR[0] - 0.42 * fw, p.edgeR[1], 0.03 * fw);
  const x0 = p.edgeR[0] - 0.32 * fw;
  const x1 = p.edgeR[0] + 0.015 * fw;
  const y0 = p.edgeR[1] - 0.3 * fw;
  const y1 = p.lobeR[1] + 0.08 * fw;
  const body = `<defs><filter id="s"><feGaussianBlur stdDeviation="${(0.01 * fw).toFixed(1)}"/></filter></defs><rect x="${x0}" y="${y0}" width="${x1 - x0}" height="${y1 - y0}" rx="${0.05 * fw}" fill="${rgb(bg)}" filter="url(#s)"/>`;
  return svgOver(source(id), img.width, img.height, body);
}

/** A fringe in the hair colour from above the forehead to below the brows, strand-cut at its lower edge. */
async function fringe(id: PortraitId): Promise<Buffer> {
  const { width = 0, height = 0 } = await sharp(source(id)).metadata();
  const p = STANDARD_POINTS[id];
  const fw = p.faceWidth;
  const top = p.top[1] - 0.12 * faceHeight(id);
  const xa = p.browOuterR[0] - 0.04 * fw;
  const xb = p.browOuterL[0] + 0.04 * fw;
  // Lower edge: 0.05 face widths below the lower brow end on each side, interpolated, with strands.
  const low = (x: number) => {
    const t = (x - xa) / (xb - xa);
    return p.browOuterR[1] + (p.browOuterL[1] - p.browOuterR[1]) * t + 0.05 * fw;
  };
  const n = 14;
  const pts: string[] = [`${xa},${top}`, `${xb},${top}`];
  for (let i = n; i >= 0; i--) {
    const x = xa + ((xb - xa) * i) / n;
    const dip = i % 2 === 0 ? 0.03 * fw : -0.01 * fw;
    pts.push(`${x.toFixed(1)},${(low(x) + dip).toFixed(1)}`);
  }
  const strands = Array.from({ length: 30 }, (_, i) => {
    const x = xa + ((xb - xa) * (i + 0.5)) / 30;
    return `<line x1="${x}" y1="${top}" x2="${x + 0.02 * fw}" y2="${low(x)}" stroke="rgba(255,255,255,0.08)" stroke-width="${0.006 * fw}"/>`;
  }).join('');
  return svgOver(source(id), width, height, `<polygon points="${pts.join(' ')}" fill="${rgb(p.hair)}"/>${strands}`);
}

async function redEye(id: PortraitId): Promise<Buffer> {
  const { width = 0, height = 0 } = await sharp(source(id)).metadata();
  const p = STANDARD_POINTS[id];
  const r = 0.6 * p.irisRadius;
  const disc = (c: Pt) =>
    `<circle cx="${c[0]}" cy="${c[1]}" r="${r}" fill="url(#red)"/><circle cx="${c[0] + 0.3 * r}" cy="${c[1] - 0.3 * r}" r="${0.15 * r}" fill="white"/>`;
  const defs = `<defs><radialGradient id="red"><stop offset="0" stop-color="#e02020"/><stop offset="0.75" stop-color="#c81414"/><stop offset="1" stop-color="#8a0c0c"/></radialGradient></defs>`;
  return svgOver(source(id), width, height, defs + disc(p.irisR) + disc(p.irisL));
}

async function tintedLenses(id: PortraitId): Promise<Buffer> {
  const { width = 0, height = 0 } = await sharp(source(id)).metadata();
  const p = STANDARD_POINTS[id];
  const iod = Math.hypot(p.irisL[0] - p.irisR[0], p.irisL[1] - p.irisR[1]);
  const lens = (c: Pt) =>
    `<ellipse cx="${c[0]}" cy="${c[1] + 0.05 * iod}" rx="${0.42 * iod}" ry="${0.3 * iod}" fill="rgb(58,42,32)" fill-opacity="0.6" stroke="rgb(20,20,20)" stroke-width="${0.025 * iod}"/>`;
  const bridge = `<line x1="${p.irisR[0] + 0.42 * iod}" y1="${p.irisR[1]}" x2="${p.irisL[0] - 0.42 * iod}" y2="${p.irisL[1]}" stroke="rgb(20,20,20)" stroke-width="${0.03 * iod}"/>`;
  return svgOver(source(id), width, height, lens(p.irisR) + lens(p.irisL) + bridge);
}

async function colouredContacts(id: PortraitId): Promise<Buffer> {
  const { width = 0, height = 0 } = await sharp(source(id)).metadata();
  const p = STANDARD_POINTS[id];
  const r = p.irisRadius;
  const iris = (c: Pt) => `<circle cx="${c[0]}" cy="${c[1]}" r="${0.9 * r}" fill="rgb(30,123,255)" fill-opacity="0.6"/><circle cx="${c[0]}" cy="${c[1]}" r="${0.35 * r}" fill="rgb(12,12,14)" fill-opacity="0.9"/>`;
  return svgOver(source(id), width, height, iris(p.irisR) + iris(p.irisL));
}

/** Paints a pattern over the clothing: fixture person shape, from 0.35 face heights below the chin. */
async function patterned(id: PortraitId, kind: 'stripes' | 'check'): Promise<Buffer> {
  const img = await raw(source(id));
  const p = STANDARD_POINTS[id];
  const mask = personShapeMask(PORTRAIT_FACES[id], img.width);
  const period = 0.09 * p.faceWidth;
  const y0 = p.chin[1] + 0.35 * faceHeight(id);
  for (let y = Math.ceil(y0); y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const m = mask.data[Math.min(mask.height - 1, y) * mask.width + x]! / 255;
      if (m < 0.5) continue;
      const u = Math.floor(x / (period / 2)) % 2;
      const v = Math.floor(y / (period / 2)) % 2;
      const colour: Pt3 = kind === 'stripes' ? (u ? [235, 235, 232] : [28, 36, 88]) : u ^ v ? [236, 232, 228] : [196, 34, 40];
      const o = (y * img.width + x) * 3;
      // 85 % paint over the cloth: its folds and shading still show through.
      for (let c = 0; c < 3; c++) img.data[o + c] = Math.round(0.85 * colour[c]! + 0.15 * img.data[o + c]!);
    }
  }
  return fromRaw(img);
}

async function headwear(id: PortraitId, kind: 'bun' | 'cap'): Promise<Buffer> {
  const { jpeg: padded, pad } = await topPadded(id);
  const { width = 0, height = 0 } = await sharp(padded).metadata();
  const p = STANDARD_POINTS[id];
  const crown = PORTRAIT_FACES[id].crown;
  const fw = p.faceWidth;
  const fh = faceHeight(id);
  const cx = crown.x;
  const cy = crown.y + pad;
  const body =
    kind === 'bun'
      ? `<ellipse cx="${cx}" cy="${cy - 0.06 * fh}" rx="${0.2 * fw}" ry="${0.15 * fh}" fill="${rgb(p.hair)}"/><rect x="${cx - 0.12 * fw}" y="${cy + 0.02 * fh}" width="${0.24 * fw}" height="${0.03 * fh}" fill="rgb(60,40,40)"/>`
      : `<path d="M ${cx - 0.6 * fw} ${cy + 0.18 * fh} Q ${cx - 0.6 * fw} ${cy - 0.32 * fh} ${cx} ${cy - 0.32 * fh} Q ${cx + 0.6 * fw} ${cy - 0.32 * fh} ${cx + 0.6 * fw} ${cy + 0.18 * fh} Z" fill="rgb(26,36,72)"/>` +
        `<rect x="${cx - 0.62 * fw}" y="${cy + 0.14 * fh}" width="${1.24 * fw}" height="${0.06 * fh}" rx="${0.02 * fh}" fill="rgb(18,26,52)"/>`;
  return svgOver(padded, width, height, body);
}

async function jewellery(id: PortraitId, kind: 'earrings' | 'necklace'): Promise<Buffer> {
  const { width = 0, height = 0 } = await sharp(source(id)).metadata();
  const p = STANDARD_POINTS[id];
  const fw = p.faceWidth;
  const fh = faceHeight(id);
  const defs = `<defs><radialGradient id="gold" cx="0.35" cy="0.35"><stop offset="0" stop-color="#fff6d0"/><stop offset="0.45" stop-color="#f0c850"/><stop offset="1" stop-color="#a07818"/></radialGradient><radialGradient id="pearl" cx="0.35" cy="0.35"><stop offset="0" stop-color="#ffffff"/><stop offset="0.7" stop-color="#f2eee6"/><stop offset="1" stop-color="#c8c0b4"/></radialGradient></defs>`;
  if (kind === 'earrings') {
    // Studs just outside the face outline at the lobe, a pearl hanging 0.07 face widths below.
    const ear = (lobe: Pt, out: number) => {
      const x = lobe[0] + out * 0.05 * fw;
      const y = lobe[1] + 0.03 * fw;
      return `<circle cx="${x}" cy="${y}" r="${0.022 * fw}" fill="url(#gold)"/><line x1="${x}" y1="${y}" x2="${x}" y2="${y + 0.07 * fw}" stroke="#b08a20" stroke-width="${0.004 * fw}"/><circle cx="${x}" cy="${y + 0.08 * fw}" r="${0.02 * fw}" fill="url(#pearl)"/>`;
    };
    return svgOver(source(id), width, height, defs + ear(p.lobeR, -1) + ear(p.lobeL, 1));
  }
  const beads: string[] = [];
  for (let i = -5; i <= 5; i++) {
    const t = i / 5;
    const x = p.chin[0] + 0.26 * fw * t;
    const y = p.chin[1] + 0.12 * fh + 0.12 * fh * (1 - t * t);
    beads.push(`<circle cx="${x}" cy="${y}" r="${0.012 * fw}" fill="url(#gold)"/>`);
  }
  beads.push(`<circle cx="${p.chin[0]}" cy="${p.chin[1] + 0.29 * fh}" r="${0.03 * fw}" fill="url(#gold)"/>`);
  return svgOver(source(id), width, height, defs + beads.join(''));
}

/**
 * What each doctored case must do, per portrait, as measured on the kiosk's engine: 'fail', 'warn'
 * (warn or fail), or 'miss' — a known blind spot, reported by the test and in docs/capture.md
 * rather than asserted:
 * - shoulder raised: a's shear reads 5.9° (warn, fail is 6°); c's lowered shoulder leaves the
 *   picture, so the check cannot measure it and warns for that;
 * - one ear hidden: a's other ear is half hidden by curls already (0.67, warn);
 * - cap on c: c's hair is short and the cap sits low (0.647, warn).
 * No case is a 'miss' today; the kind stays for the next blind spot found.
 */
const EXPECT: Record<string, Record<PortraitId, StandardCase['expect']>> = {
  'shoulder raised 10°': { a: 'warn', b: 'fail', c: 'warn' },
  'one ear hidden': { a: 'warn', b: 'fail', c: 'fail' },
  'fringe over the brows': { a: 'fail', b: 'fail', c: 'fail' },
  'red eye': { a: 'fail', b: 'fail', c: 'fail' },
  'tinted lenses': { a: 'warn', b: 'warn', c: 'warn' },
  'coloured contacts': { a: 'fail', b: 'fail', c: 'fail' },
  'striped top': { a: 'fail', b: 'fail', c: 'fail' },
  'checked top': { a: 'fail', b: 'fail', c: 'fail' },
  'high bun': { a: 'fail', b: 'fail', c: 'fail' },
  cap: { a: 'fail', b: 'fail', c: 'warn' },
  earrings: { a: 'warn', b: 'warn', c: 'warn' },
  necklace: { a: 'warn', b: 'warn', c: 'warn' },
};

export async function doctoredCases(id: PortraitId): Promise<StandardCase[]> {
  const d = (name: string, check: CheckId, j: Buffer): StandardCase => ({ name, portrait: id, jpeg: j, check, expect: EXPECT[name]![id] });
  return [
    // c's picture-right shoulder is already the lower one: its shear goes the other way, further from level.
    d('shoulder raised 10°', 'shoulders.level', await shoulderRaised(id, id === 'c' ? -10 : 10)),
    d('one ear hidden', 'ears.symmetric', await earHidden(id)),
    d('fringe over the brows', 'hair.covers_brows', await fringe(id)),
    d('red eye', 'eyes.red', await redEye(id)),
    d('tinted lenses', 'glasses.tinted', await tintedLenses(id)),
    d('coloured contacts', 'glasses.tinted', await colouredContacts(id)),
    d('striped top', 'clothing.pattern', await patterned(id, 'stripes')),
    d('checked top', 'clothing.pattern', await patterned(id, 'check')),
    d('high bun', 'headwear', await headwear(id, 'bun')),
    d('cap', 'headwear', await headwear(id, 'cap')),
    d('earrings', 'jewellery', await jewellery(id, 'earrings')),
    d('necklace', 'jewellery', await jewellery(id, 'necklace')),
  ];
}

export async function standardTestSet(opts: { portraits?: readonly PortraitId[]; allClean?: boolean } = {}): Promise<StandardCase[]> {
  const out: StandardCase[] = [];
  for (const id of opts.portraits ?? (['a', 'b', 'c'] as const)) out.push(...(await cleanCases(id, opts.allClean ?? true)), ...(await doctoredCases(id)));
  return out;
}

/**
 * Standard checks that fire on a clean portrait because the portrait really has the defect: c's
 * head is turned ~17° (pose.yaw fails it) and his body with it, so one ear shows wide and the
 * shoulders read ~14° off the eye line. The test requires pose.yaw to fail wherever these fire.
 */
export const KNOWN_ON_CLEAN: Partial<Record<PortraitId, readonly CheckId[]>> = { c: ['shoulders.level', 'ears.symmetric'] };
