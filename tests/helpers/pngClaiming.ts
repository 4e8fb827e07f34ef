import { crc32, deflateSync } from 'node:zlib';

/** A valid PNG signature and header claiming width × height, then a few rows of data: a decompression
 * bomb (or a broken file) as it looks before any pixel is decoded. */
export function pngClaiming(width: number, height: number, colour: 'grey' | 'rgb' = 'grey'): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const channels = colour === 'rgb' ? 3 : 1;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = colour === 'rgb' ? 2 : 0; // truecolour or greyscale
  const rows = deflateSync(Buffer.alloc((width * channels + 1) * 4));
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', rows), chunk('IEND', Buffer.alloc(0))]);
}
