/**
 * Sets the print density in a JFIF APP0 segment. libvips can only write density through an EXIF
 * block, and the spec wants no EXIF at all; a JFIF header also makes the file begin FF D8 FF E0,
 * which some upload checkers look for.
 */
export function withJfifDensity(jpeg: Buffer, dpi: number): Buffer {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error('not a JPEG');
  if (!(Number.isInteger(dpi) && dpi > 0 && dpi < 65536)) throw new Error(`bad density ${dpi}`);
  // Drop an existing APP0 so there is exactly one.
  let rest = jpeg.subarray(2);
  if (rest[0] === 0xff && rest[1] === 0xe0) rest = rest.subarray(2 + rest.readUInt16BE(2));
  const app0 = Buffer.alloc(18);
  app0.writeUInt16BE(0xffe0, 0);
  app0.writeUInt16BE(16, 2); // segment length, excluding the marker
  app0.write('JFIF\0', 4, 'latin1');
  app0.writeUInt16BE(0x0101, 9); // version 1.01
  app0[11] = 1; // units: dots per inch
  app0.writeUInt16BE(dpi, 12);
  app0.writeUInt16BE(dpi, 14);
  // No thumbnail (bytes 16, 17 = 0).
  return Buffer.concat([jpeg.subarray(0, 2), app0, rest]);
}
