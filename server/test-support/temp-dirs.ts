import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// Every directory handed out here is remembered so that the test file's run can remove it
// afterwards (see remove-temp-dirs.setup.ts): tests leave nothing behind in the OS temp dir.
const created = new Set<string>();

/** A fresh, empty directory under the OS temp dir, removed after the test file (or earlier with removeTempDir). */
export function tempDir(prefix = 'tidings-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  created.add(dir);
  return dir;
}

/** Removes one directory handed out by tempDir (idempotent). */
export function removeTempDir(dir: string): void {
  created.delete(dir);
  // Retries: a just-closed SQLite file or a just-killed child process may hold it for a moment.
  fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
}

/** Removes every directory tempDir handed out that is still there. */
export function removeTempDirs(): void {
  for (const dir of [...created]) removeTempDir(dir);
}
