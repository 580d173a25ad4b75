// The kernelspec logos (logo-32x32.png, logo-64x64.png), drawn here so no binary asset or
// image tool is needed: a white nabla (the gradient operator) on a blue rounded square.
import { deflateSync } from "node:zlib";

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "ascii");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** Coverage of pixel (x, y) by the logo's shapes, as RGBA. */
function logoPixel(x: number, y: number, size: number): [number, number, number, number] {
  const u = (x + 0.5) / size;
  const v = (y + 0.5) / size;
  const r = 0.18;
  const cx = Math.min(Math.max(u, r), 1 - r);
  const cy = Math.min(Math.max(v, r), 1 - r);
  if ((u - cx) ** 2 + (v - cy) ** 2 > r * r) return [0, 0, 0, 0];
  // Nabla: triangle with top edge y=0.24 from x=0.18..0.82, apex at (0.5, 0.80).
  const top = 0.24;
  const apex = 0.8;
  const halfWidth = 0.32 * (1 - (v - top) / (apex - top));
  const inOuter = v >= top && v <= apex && Math.abs(u - 0.5) <= halfWidth;
  const t = 0.1;
  const innerHalf = 0.32 * (1 - (v - top - t) / (apex - top - 2.2 * t)) - t * 0.9;
  const inInner = v >= top + t && v <= apex - 1.2 * t && Math.abs(u - 0.5) <= innerHalf;
  if (inOuter && !inInner) return [255, 255, 255, 255];
  return [37, 99, 235, 255];
}

/**
 * A size x size RGBA PNG of the gradlab logo.
 * @example
 * writeFileSync("logo-64x64.png", logoPng(64));
 */
export function logoPng(size: number): Buffer {
  if (!Number.isInteger(size) || size < 1 || size > 1024)
    throw new Error(`logoPng: size must be an integer in 1..1024, got ${size}`);
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    const row = y * (size * 4 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < size; x++) raw.set(logoPixel(x, y, size), row + 1 + x * 4);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", new Uint8Array(0)),
  ]);
}
