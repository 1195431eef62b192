import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, tempDir, type TestServer } from '../test-support/test-server.js';
import { precompressDir } from './precompressed.js';

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A request whose headers are exactly these (fetch would add its own Accept-Encoding and decode). */
function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

function decode(res: RawResponse): Buffer {
  switch (res.headers['content-encoding']) {
    case 'br':
      return zlib.brotliDecompressSync(res.body);
    case 'gzip':
      return zlib.gunzipSync(res.body);
    case undefined:
      return res.body;
    default:
      throw new Error(`unexpected Content-Encoding ${res.headers['content-encoding']}`);
  }
}

const CHROMIUM_ACCEPT = 'gzip, deflate, br, zstd';

describe('the built PWA, served precompressed', () => {
  let server: TestServer;
  let dir: string;
  const script = `export const words = ${JSON.stringify(Array.from({ length: 400 }, (_, i) => `word-${i}`))};\n`;
  const shell = `<!doctype html><html lang="en"><head><title>Tidings</title></head><body>${'<p>shell</p>'.repeat(200)}</body></html>`;
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.alloc(4000, 7)]);

  beforeAll(async () => {
    dir = tempDir();
    fs.mkdirSync(path.join(dir, 'assets'));
    fs.writeFileSync(path.join(dir, 'assets', 'inbox-abc123.js'), script);
    fs.writeFileSync(path.join(dir, 'index.html'), shell);
    fs.writeFileSync(path.join(dir, 'tiny.css'), 'body{margin:0}');
    fs.writeFileSync(path.join(dir, 'icon.png'), png);
    expect(await precompressDir(dir)).toBe(2);
    server = await startTestServer({ staticDir: dir });
  });
  afterAll(async () => {
    await server.close();
  });

  it('sends br, gzip and identity that decode to the same bytes, each with Vary and the same caching', async () => {
    const url = `${server.url}/assets/inbox-abc123.js`;
    const br = await get(url, { 'accept-encoding': CHROMIUM_ACCEPT });
    const gzip = await get(url, { 'accept-encoding': 'gzip' });
    const identity = await get(url, { 'accept-encoding': 'identity' });
    expect([br.status, gzip.status, identity.status]).toEqual([200, 200, 200]);
    expect(br.headers['content-encoding']).toBe('br');
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(br.body.length).toBeLessThan(script.length / 2);
    for (const res of [br, gzip, identity]) {
      expect(decode(res).toString()).toBe(script);
      expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
      expect(res.headers.vary).toMatch(/Accept-Encoding/i);
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(res.headers.etag).toBeTruthy();
      expect(Number(res.headers['content-length'])).toBe(res.body.length);
    }
    // Each representation has its own validator, so a cache never mixes them up.
    expect(new Set([br.headers.etag, gzip.headers.etag, identity.headers.etag]).size).toBe(3);
  });

  it('gives a client that sends no Accept-Encoding the plain file', async () => {
    const res = await get(`${server.url}/assets/inbox-abc123.js`);
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers.vary).toMatch(/Accept-Encoding/i);
    expect(res.body.toString()).toBe(script);
  });

  it('honours q=0 and falls back to the plain file for encodings it does not have', async () => {
    const url = `${server.url}/assets/inbox-abc123.js`;
    expect((await get(url, { 'accept-encoding': 'br;q=0, gzip' })).headers['content-encoding']).toBe('gzip');
    expect((await get(url, { 'accept-encoding': 'br;q=0, gzip;q=0' })).headers['content-encoding']).toBeUndefined();
    expect((await get(url, { 'accept-encoding': 'zstd, deflate' })).headers['content-encoding']).toBeUndefined();
    expect((await get(url, { 'accept-encoding': '*' })).headers['content-encoding']).toBe('br');
    expect((await get(url, { 'accept-encoding': ';;,q=,br;q=abc' })).body.toString()).toBe(script);
  });

  it('answers a conditional request for the compressed file with 304, as for the plain one', async () => {
    const url = `${server.url}/assets/inbox-abc123.js`;
    for (const encoding of ['br', 'identity']) {
      const first = await get(url, { 'accept-encoding': encoding });
      const again = await get(url, { 'accept-encoding': encoding, 'if-none-match': first.headers.etag! });
      expect(again.status).toBe(304);
      expect(again.body.length).toBe(0);
    }
  });

  it('answers a range request with a range of the plain file', async () => {
    const res = await get(`${server.url}/assets/inbox-abc123.js`, { 'accept-encoding': CHROMIUM_ACCEPT, range: 'bytes=0-99' });
    expect(res.status).toBe(206);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers['content-range']).toBe(`bytes 0-99/${script.length}`);
    expect(res.body.toString()).toBe(script.slice(0, 100));
  });

  it('answers HEAD with the headers of the compressed file and no body', async () => {
    const res = await get(`${server.url}/assets/inbox-abc123.js`, { 'accept-encoding': 'br' }, 'HEAD');
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.body.length).toBe(0);
  });

  it('compresses the shell at /, at /index.html and at a deep link, revalidated as before', async () => {
    for (const route of ['/', '/index.html', '/inbox/some-message']) {
      const res = await get(`${server.url}${route}`, { 'accept-encoding': CHROMIUM_ACCEPT, accept: 'text/html' });
      expect(res.status, route).toBe(200);
      expect(res.headers['content-encoding'], route).toBe('br');
      expect(res.headers['content-type'], route).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control'], route).toBe('no-cache');
      expect(decode(res).toString(), route).toBe(shell);
    }
  });

  it('leaves tiny text files and images alone', async () => {
    expect(fs.existsSync(path.join(dir, 'tiny.css.br'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'icon.png.gz'))).toBe(false);
    const css = await get(`${server.url}/tiny.css`, { 'accept-encoding': CHROMIUM_ACCEPT });
    expect(css.headers['content-encoding']).toBeUndefined();
    expect(css.body.toString()).toBe('body{margin:0}');
    const image = await get(`${server.url}/icon.png`, { 'accept-encoding': CHROMIUM_ACCEPT });
    expect(image.headers['content-encoding']).toBeUndefined();
    expect(image.body.equals(png)).toBe(true);
  });

  it('serves nothing outside the directory and survives a path it cannot decode', async () => {
    const outside = path.join(path.dirname(dir), `${path.basename(dir)}-secret.js`);
    fs.writeFileSync(outside, script);
    fs.writeFileSync(`${outside}.br`, zlib.brotliCompressSync(script));
    try {
      const escaped = await get(`${server.url}/..%2f${path.basename(outside)}`, { 'accept-encoding': 'br' });
      // Whatever answers (the shell, for a path the app might route), it is not the file beside the directory.
      expect(decode(escaped).toString()).not.toContain('word-1');
    } finally {
      fs.rmSync(outside);
      fs.rmSync(`${outside}.br`);
    }
    const malformed = await get(`${server.url}/assets/%E0%A4%A.js`, { 'accept-encoding': 'br' });
    expect(malformed.status).toBeGreaterThanOrEqual(400);
    expect(malformed.status).toBeLessThan(500);
  });

  it('falls back to the plain file when a variant disappears after start', async () => {
    const file = path.join(dir, 'assets', 'inbox-abc123.js');
    const variant = fs.readFileSync(`${file}.br`);
    fs.rmSync(`${file}.br`);
    try {
      const res = await get(`${server.url}/assets/inbox-abc123.js`, { 'accept-encoding': 'br' });
      expect(res.status).toBe(200);
      expect(res.headers['content-encoding']).toBeUndefined();
      expect(res.body.toString()).toBe(script);
    } finally {
      fs.writeFileSync(`${file}.br`, variant);
    }
  });
});
