import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

/**
 * Draws the two icons a Teams app needs, with Node alone: a 192x192 colour icon (white shield with
 * a check mark on SP Hub green) and a 32x32 outline icon (white on transparent). Run with
 * `npx tsx bot/manifest/icons.ts`; the PNGs are committed next to the manifest.
 */

type Rgba = [number, number, number, number];
const GREEN: Rgba = [0, 122, 82, 255];
const WHITE: Rgba = [255, 255, 255, 255];

// Shapes in unit coordinates (0..1 across the icon).
function inShield(x: number, y: number, inset = 0): boolean {
  const top = 0.2 + inset;
  const shoulder = 0.52;
  const bottom = 0.86 - inset * 1.4;
  const halfWidth = 0.25 - inset;
  const cx = 0.5;
  if (y < top || y > bottom) return false;
  // The top edge dips slightly towards the middle, like a crest.
  const crest = top + 0.035 * Math.cos(((x - cx) / halfWidth) * (Math.PI / 2));
  if (y < crest && Math.abs(x - cx) < halfWidth) return false;
  if (y <= shoulder) return Math.abs(x - cx) <= halfWidth;
  const t = (y - shoulder) / (bottom - shoulder);
  return Math.abs(x - cx) <= halfWidth * Math.sqrt(Math.max(0, 1 - t * t));
}

function nearSegment(x: number, y: number, ax: number, ay: number, bx: number, by: number, radius: number): boolean {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
  const px = ax + t * dx - x;
  const py = ay + t * dy - y;
  return px * px + py * py <= radius * radius;
}

function inCheck(x: number, y: number, radius: number): boolean {
  return nearSegment(x, y, 0.385, 0.525, 0.47, 0.61, radius) || nearSegment(x, y, 0.47, 0.61, 0.625, 0.425, radius);
}

/** Renders `paint` (the colour at a point, or null for the background) with 4x4 supersampling. */
function render(size: number, background: Rgba | null, paint: (x: number, y: number) => Rgba | null): Buffer {
  const samples = 4;
  const pixels = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = (px + (sx + 0.5) / samples) / size;
          const y = (py + (sy + 0.5) / samples) / size;
          const c = paint(x, y) ?? background;
          if (!c) continue;
          const alpha = c[3] / 255;
          r += c[0] * alpha;
          g += c[1] * alpha;
          b += c[2] * alpha;
          a += alpha;
        }
      }
      const n = samples * samples;
      const o = (py * size + px) * 4;
      pixels[o] = a ? Math.round(r / a) : 0;
      pixels[o + 1] = a ? Math.round(g / a) : 0;
      pixels[o + 2] = a ? Math.round(b / a) : 0;
      pixels[o + 3] = Math.round((a / n) * 255);
    }
  }
  return png(size, size, pixels);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** An 8-bit RGBA PNG from raw pixels. */
export function png(width: number, height: number, rgba: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0; // no filter
    rgba.copy(raw, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

export function colorIcon(): Buffer {
  return render(192, GREEN, (x, y) => (inCheck(x, y, 0.038) && inShield(x, y) ? GREEN : inShield(x, y) ? WHITE : null));
}

export function outlineIcon(): Buffer {
  // Teams wants the outline icon white on transparent: a shield ring with the check inside.
  return render(32, null, (x, y) => ((inShield(x, y) && !inShield(x, y, 0.07)) || (inCheck(x, y, 0.05) && inShield(x, y)) ? WHITE : null));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = new URL('.', import.meta.url);
  writeFileSync(new URL('color.png', dir), colorIcon());
  writeFileSync(new URL('outline.png', dir), outlineIcon());
  console.log('wrote bot/manifest/color.png (192x192) and bot/manifest/outline.png (32x32)');
}
