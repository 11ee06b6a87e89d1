import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { t } from '../../shared/i18n/index.js';
import { commands } from '../commands/registry.js';
import { parseCommand } from '../parse.js';
import { buildManifest, buildPackage, guidFrom } from './build.js';

const APP_ID = '5f6d2b3e-0a4c-4f7e-9d0b-6c1e2a3b4c5d';
const options = { appId: APP_ID, publicUrl: 'https://sphub.northwind-msp.com/', version: '0.1.0' };
const template = readFileSync(new URL('manifest.json', import.meta.url), 'utf8');

/** Width, height, bit depth and colour type from a PNG's header. */
function pngHeader(bytes: Uint8Array) {
  const b = Buffer.from(bytes);
  expect(b.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(b.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20), depth: b[24], colorType: b[25] };
}

describe('Teams app manifest', () => {
  it('fills in the bot, the hub address and a stable app id', () => {
    const { manifest } = buildManifest(template, options) as { manifest: Record<string, any> };
    expect(manifest.manifestVersion).toBe('1.19');
    expect(manifest.id).toBe(guidFrom(APP_ID));
    expect(manifest.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(manifest.bots[0].botId).toBe(APP_ID);
    expect(manifest.validDomains).toEqual(['sphub.northwind-msp.com']);
    expect(manifest.developer).toMatchObject({ websiteUrl: 'https://sphub.northwind-msp.com', privacyUrl: 'https://sphub.northwind-msp.com' });
    expect(JSON.stringify(manifest)).not.toMatch(/\{\{/);
    expect(manifest.name.short.length).toBeLessThanOrEqual(30);
    expect(manifest.description.short.length).toBeLessThanOrEqual(80);
    expect(manifest.description.full.length).toBeLessThanOrEqual(4000);
  });

  it('suggests only commands the bot understands, ten at most per scope', () => {
    const { manifest, german } = buildManifest(template, options) as { manifest: Record<string, any>; german: Record<string, string> };
    for (const [m, list] of (manifest.bots[0].commandLists as { scopes: string[]; commands: { title: string; description: string }[] }[]).entries()) {
      expect(list.commands.length).toBeLessThanOrEqual(10);
      for (const [c, command] of list.commands.entries()) {
        expect(command.title.length).toBeLessThanOrEqual(32);
        expect(command.description.length).toBeLessThanOrEqual(128);
        const parsed = parseCommand(command.title, commands);
        expect(parsed.kind === 'command' || parsed.kind === 'invalid', `${command.title} is a command`).toBe(true);
        const registered = commands.find((r) => r.name === (parsed as { name: string }).name)!;
        expect(command.description).toBe(t('en', registered.summary));
        expect(german[`bots[0].commandLists[${m}].commands[${c}].description`]).toBe(t('de', registered.summary));
      }
    }
  });

  it('refuses an app id that is not a GUID and an address that is not https', () => {
    expect(() => buildManifest(template, { ...options, appId: 'sp-hub' })).toThrow(/GUID/);
    expect(() => buildManifest(template, { ...options, publicUrl: 'http://sphub.local' })).toThrow(/https/);
  });

  it('packages the manifest, its German texts and the two icons Teams requires', () => {
    const files = unzipSync(buildPackage(options));
    expect(Object.keys(files).sort()).toEqual(['color.png', 'de-de.json', 'manifest.json', 'outline.png']);
    expect(JSON.parse(new TextDecoder().decode(files['manifest.json'])).icons).toEqual({ color: 'color.png', outline: 'outline.png' });
    expect(pngHeader(files['color.png']!)).toEqual({ width: 192, height: 192, depth: 8, colorType: 6 });
    expect(pngHeader(files['outline.png']!)).toEqual({ width: 32, height: 32, depth: 8, colorType: 6 });
  });

  it('has an outline icon that is white on transparent only', async () => {
    const { colorIcon, outlineIcon } = await import('./icons.js');
    // The committed icons are what the generator draws.
    expect(Buffer.compare(colorIcon(), readFileSync(new URL('color.png', import.meta.url)))).toBe(0);
    const { inflateSync } = await import('node:zlib');
    const png = outlineIcon();
    expect(Buffer.compare(png, readFileSync(new URL('outline.png', import.meta.url)))).toBe(0);
    const idat = png.subarray(41, png.length - 16);
    const raw = inflateSync(idat);
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        const o = y * (32 * 4 + 1) + 1 + x * 4;
        if (raw[o + 3]! > 0) expect([raw[o], raw[o + 1], raw[o + 2]]).toEqual([255, 255, 255]);
      }
    }
  });
});
