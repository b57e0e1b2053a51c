/**
 * Writes the add-in's icons: a grey (#919191, as Outlook asks of online-meeting providers) video
 * camera on transparent ground, one PNG per size the manifests name. Run once when the shape
 * changes: `node --import tsx outlook-addin/scripts/make-icons.ts`; the PNGs are committed.
 */
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

import { iconSizes } from '../src/manifest/icon-sizes.js';

const grey = [0x91, 0x91, 0x91, 0xff];

function crc32(data: Buffer): number {
  let crc = ~0;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** Whether pixel (x, y) of a size×size icon is part of the camera: a body and a lens wedge. */
function inside(x: number, y: number, size: number): boolean {
  const u = (x + 0.5) / size;
  const v = (y + 0.5) / size;
  const body = u >= 0.08 && u <= 0.64 && v >= 0.26 && v <= 0.74;
  const wedge = u >= 0.66 && u <= 0.94 && Math.abs(v - 0.5) <= 0.08 + (u - 0.66) * 0.6;
  return body || wedge;
}

function png(size: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4); // filter byte 0, then pixels
    for (let x = 0; x < size; x++) if (inside(x, y, size)) row.set(grey, 1 + x * 4);
    rows.push(row);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

for (const size of iconSizes) {
  writeFileSync(new URL(`../public/icons/icon-${size}.png`, import.meta.url), png(size));
}
