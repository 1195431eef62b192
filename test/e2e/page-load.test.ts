import { describe, expect, it } from 'vitest';
import { appInChromium } from './support/app-in-chromium.js';

/*
 * The web app manifest offers what an install dialog shows (issue 11): a
 * stable id and screenshots at phone and desktop size. Layout shift on load
 * is measured by layout-shift.pending.ts (not yet wired: see there).
 */

const app = appInChromium();

/** PNG width and height from its IHDR chunk. */
function pngSize(png: Buffer): string {
  return `${png.readUInt32BE(16)}x${png.readUInt32BE(20)}`;
}

describe('the page the browser installs', () => {
  it('serves a manifest with an id and a narrow and a wide screenshot of the sizes it states', async () => {
    const manifest = (await (await fetch(`${app.server.url}/manifest.webmanifest`)).json()) as {
      id?: string;
      screenshots?: { src: string; sizes: string; type: string; form_factor: string }[];
    };
    expect(manifest.id).toBe('/');
    expect(manifest.screenshots?.map((shot) => shot.form_factor).sort()).toEqual(['narrow', 'wide']);
    for (const shot of manifest.screenshots ?? []) {
      const res = await fetch(`${app.server.url}${shot.src}`);
      expect(res.status, shot.src).toBe(200);
      expect(res.headers.get('content-type')).toBe(shot.type);
      const [width, height] = shot.sizes.split('x').map(Number) as [number, number];
      expect(pngSize(Buffer.from(await res.arrayBuffer())), shot.src).toBe(shot.sizes);
      // An install dialog takes a wide screenshot only if it is wider than high, and a narrow one the other way.
      expect(shot.form_factor === 'wide' ? width > height : width < height, shot.src).toBe(true);
    }
  });
});
