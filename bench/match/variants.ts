import sharp from 'sharp';

/**
 * Bad admission photos made from good ones, by script (testdata/README: generate variants rather than
 * add images): black-and-white, very dark, two people, a tiny face, no face, and two kinds of scanned
 * print (a halftone screen seen at 600 dpi; a photo print on a white page). All return JPEG bytes.
 */
export async function greyscale(photo: Buffer): Promise<Buffer> {
  return sharp(photo).rotate().greyscale().jpeg({ quality: 92 }).toBuffer();
}

export async function veryDark(photo: Buffer): Promise<Buffer> {
  return sharp(photo).rotate().linear(0.18, 0).jpeg({ quality: 92 }).toBuffer();
}

/** Two portraits side by side at the same scale. */
export async function twoPeople(a: Buffer, b: Buffer, height = 640): Promise<Buffer> {
  const left = await sharp(a).rotate().resize({ height }).toBuffer({ resolveWithObject: true });
  const right = await sharp(b).rotate().resize({ height }).toBuffer({ resolveWithObject: true });
  return sharp({ create: { width: left.info.width + right.info.width, height, channels: 3, background: '#ffffff' } })
    .composite([
      { input: left.data, left: 0, top: 0 },
      { input: right.data, left: left.info.width, top: 0 },
    ])
    .jpeg({ quality: 92 })
    .toBuffer();
}

/** The photo shrunk so the whole picture is `width` px wide: eyes ~10 px apart at 80 px. */
export async function tiny(photo: Buffer, width = 80): Promise<Buffer> {
  return sharp(photo).rotate().resize({ width }).jpeg({ quality: 92 }).toBuffer();
}

/** A plain wall: no face at all. */
export async function noFace(): Promise<Buffer> {
  const w = 480;
  const h = 640;
  const data = Buffer.alloc(w * h * 3);
  // A smooth wash with a little seeded noise: nothing periodic, nothing face-like.
  let seed = 12345;
  const noise = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff - 0.5) * 6;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([170 + (x / w) * 30 + noise(), 185 + noise(), 205 - (y / h) * 25 + noise()], (y * w + x) * 3);
  return sharp(data, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 92 }).toBuffer();
}

/**
 * A print's halftone screen as a 600-dpi scanner sees it: each channel thresholded against a 45°
 * dot screen of `period` px, then the scanner's slight blur. `width` is the scan's width in pixels.
 */
export async function halftoneScan(photo: Buffer, { width = 900, period = 6 } = {}): Promise<Buffer> {
  const { data, info } = await sharp(photo).rotate().resize({ width }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const out = Buffer.alloc(data.length);
  const k = (2 * Math.PI) / period;
  for (let y = 0; y < info.height; y++) {
    for (let x = 0; x < info.width; x++) {
      const u = (x + y) / Math.SQRT2;
      const v = (x - y) / Math.SQRT2;
      const screen = (Math.cos(k * u) + Math.cos(k * v)) / 4 + 0.5;
      for (let c = 0; c < 3; c++) {
        const i = (y * info.width + x) * 3 + c;
        out[i] = data[i]! / 255 > screen ? 255 : 0;
      }
    }
  }
  return sharp(out, { raw: { width: info.width, height: info.height, channels: 3 } }).blur(0.7).jpeg({ quality: 90 }).toBuffer();
}

/** A continuous-tone photo print lying on a scanner: white paper around it on every side. */
export async function printOnPage(photo: Buffer, { width = 420, margin = 60 } = {}): Promise<Buffer> {
  const print = await sharp(photo).rotate().resize({ width }).toBuffer({ resolveWithObject: true });
  return sharp({ create: { width: print.info.width + 2 * margin, height: print.info.height + 2 * margin, channels: 3, background: '#f4f4f2' } })
    .composite([{ input: print.data, left: margin, top: margin }])
    .jpeg({ quality: 90 })
    .toBuffer();
}
