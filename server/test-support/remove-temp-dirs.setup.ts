import { afterAll } from 'vitest';
import { removeTempDirs } from './temp-dirs.js';

// A vitest setup file: its afterAll runs after the test file's own afterAll hooks (hooks unwind
// as a stack), so servers and child processes are closed before their data dirs are removed.
afterAll(() => {
  removeTempDirs();
});
