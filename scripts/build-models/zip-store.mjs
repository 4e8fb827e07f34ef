// Writes a zip with every entry stored uncompressed (what `zip -0` makes), which is what a MediaPipe
// .task bundle is. Written here rather than with the zip tool so the bytes are reproducible (fixed
// timestamps, no extra attributes) and each entry's data starts on a 64-byte boundary: Tasks reads the
// models in place from the bundle, and flatbuffers verification checks alignment.
import { crc32 } from 'node:zlib';

const ALIGN = 64;
const DOS_DATE_1980_01_01 = (0 << 9) | (1 << 5) | 1;
const PAD_EXTRA_ID = 0xd935; // the id Android's zipalign uses for its padding field

/** entries: [{ name, data: Uint8Array }] → Buffer */
export function storedZip(entries) {
  const chunks = [];
  const central = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(data) >>> 0;
    // Pad with an extra field so that the data begins on an ALIGN boundary (extra field header is 4 bytes).
    const headerEnd = offset + 30 + nameBytes.length;
    const pad = (ALIGN - ((headerEnd + 4) % ALIGN)) % ALIGN;
    const extra = Buffer.alloc(4 + pad);
    extra.writeUInt16LE(PAD_EXTRA_ID, 0);
    extra.writeUInt16LE(pad, 2);

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(10, 4); // version needed: 1.0 (stored)
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(0, 8); // method: stored
    local.writeUInt16LE(0, 10); // time 00:00
    local.writeUInt16LE(DOS_DATE_1980_01_01, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(extra.length, 28);
    chunks.push(local, nameBytes, extra, Buffer.from(data.buffer, data.byteOffset, data.byteLength));

    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(0x031e, 4); // made by: Unix, 3.0
    cd.writeUInt16LE(10, 6);
    cd.writeUInt16LE(0x0800, 8);
    cd.writeUInt16LE(0, 10);
    cd.writeUInt16LE(0, 12);
    cd.writeUInt16LE(DOS_DATE_1980_01_01, 14);
    cd.writeUInt32LE(crc, 16);
    cd.writeUInt32LE(data.length, 20);
    cd.writeUInt32LE(data.length, 24);
    cd.writeUInt16LE(nameBytes.length, 28);
    cd.writeUInt16LE(0, 30); // extra
    cd.writeUInt16LE(0, 32); // comment
    cd.writeUInt16LE(0, 34); // disk
    cd.writeUInt16LE(0, 36); // internal attrs
    cd.writeUInt32LE((0o100644 << 16) >>> 0, 38); // -rw-r--r--
    cd.writeUInt32LE(offset, 42);
    central.push(cd, nameBytes);

    offset += local.length + nameBytes.length + extra.length + data.length;
  }
  const cdSize = central.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cdSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...chunks, ...central, end]);
}
