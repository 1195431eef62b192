import { z } from 'zod';

// zod 4 probes whether it may compile validators with `new Function` when its
// first object schema is built. Our CSP (script-src 'self') blocks that and the
// browser reports a violation even though zod catches the error, so every
// entry (page, console, service worker) imports this module first.
z.config({ jitless: true });
