import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Request, Response } from 'express';

/**
 * Text assets of the built PWA are compressed once at build time (vite.config.ts
 * calls `precompressDir`), so the server only picks a file: no CPU per request.
 */
const ENCODINGS = [
  { name: 'br', suffix: '.br' },
  { name: 'gzip', suffix: '.gz' },
] as const;
export type Encoding = (typeof ENCODINGS)[number]['name'];

/** What is worth compressing: text. Images and fonts are compressed already. */
const COMPRESSIBLE = /\.(?:js|mjs|css|html|svg|json|webmanifest|txt|map)$/;
/** Below this, the headers cost more than compression saves. */
const MIN_BYTES = 1024;

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/** Writes `<file>.br` and `<file>.gz` beside every compressible file in `dir` (recursively); returns how many files. */
export async function precompressDir(dir: string): Promise<number> {
  const files = fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && COMPRESSIBLE.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter((file) => fs.statSync(file).size >= MIN_BYTES);
  await Promise.all(
    files.map(async (file) => {
      const plain = fs.readFileSync(file);
      const [br, gz] = await Promise.all([
        brotli(plain, {
          params: {
            [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
            [zlib.constants.BROTLI_PARAM_SIZE_HINT]: plain.length,
          },
        }),
        gzip(plain, { level: zlib.constants.Z_BEST_COMPRESSION }),
      ]);
      fs.writeFileSync(`${file}.br`, br);
      fs.writeFileSync(`${file}.gz`, gz);
    }),
  );
  return files.length;
}

/**
 * The encoding to send for an `Accept-Encoding` header, among those the file has:
 * brotli before gzip whatever order the client lists them in (Chromium says
 * "gzip, deflate, br"), nothing the client refuses with q=0, identity otherwise.
 */
export function chooseEncoding(acceptEncoding: string | undefined, available: ReadonlySet<Encoding>): Encoding | null {
  if (!acceptEncoding) return null;
  const quality = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = q === undefined ? 1 : Number(q.slice(2));
    quality.set(name.trim(), Number.isFinite(value) ? value : 0);
  }
  const accepted = (name: string) => (quality.get(name) ?? quality.get('*') ?? 0) > 0;
  return ENCODINGS.find(({ name }) => available.has(name) && accepted(name))?.name ?? null;
}

/**
 * Finds the precompressed siblings in `dir` once, when the server starts (a
 * rebuild while it runs only falls back to the plain files until a restart).
 */
export function precompressedFiles(dir: string): Map<string, Set<Encoding>> {
  const found = new Map<string, Set<Encoding>>();
  if (!fs.existsSync(dir)) return found;
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const encoding = ENCODINGS.find(({ suffix }) => entry.name.endsWith(suffix));
    if (!encoding) continue;
    const plain = path.join(entry.parentPath, entry.name.slice(0, -encoding.suffix.length));
    if (!fs.existsSync(plain)) continue;
    const encodings = found.get(plain) ?? new Set<Encoding>();
    encodings.add(encoding.name);
    found.set(plain, encodings);
  }
  return found;
}

/**
 * Sends `file` precompressed when the client takes an encoding it has, and
 * calls `plain` when the caller should send the plain file instead. Range
 * requests get the plain file (a byte range of a brotli stream is of no use to
 * anyone), and every answer for a file that has variants says
 * `Vary: Accept-Encoding` so that caches keep them apart. Headers the caller
 * set (Cache-Control) stay; ETag and Last-Modified are those of the variant.
 */
export function sendPrecompressed(
  req: Request,
  res: Response,
  file: string,
  variants: ReadonlyMap<string, ReadonlySet<Encoding>>,
  plain: () => void,
): void {
  const available = variants.get(file);
  if (!available) return plain();
  res.vary('Accept-Encoding');
  const encoding = req.headers.range === undefined ? chooseEncoding(req.headers['accept-encoding'], available) : null;
  if (encoding === null) return plain();
  const suffix = ENCODINGS.find(({ name }) => name === encoding)!.suffix;
  res.type(path.extname(file));
  res.setHeader('Content-Encoding', encoding);
  res.sendFile(`${file}${suffix}`, { acceptRanges: false }, (error) => {
    if (!error || res.headersSent) return;
    // The variant went away (a rebuild): the plain file still answers.
    res.removeHeader('Content-Type');
    res.removeHeader('Content-Encoding');
    plain();
  });
}
