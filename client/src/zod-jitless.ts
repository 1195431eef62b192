import { z } from 'zod/v4';

/*
 * What `zod` resolves to in the client build (vite.config.ts aliases it here):
 * zod itself, with JIT compilation off. zod 4 probes whether it may compile
 * validators with `new Function` when its first object schema is built; our
 * CSP (script-src 'self') blocks that, and the browser reports a violation
 * even though zod catches the error. A module that builds a schema imports
 * zod, so it imports this first, whatever chunks the bundler makes (an import
 * at the top of main.ts was not enough: shared chunks run before it).
 */
z.config({ jitless: true });

export * from 'zod/v4';
export { z, z as default };
