import type http from 'node:http';

/** One registered route, as Express matches it: `GET /api/v1/messages/:id`. */
export interface RouteInfo {
  method: string;
  /** The full pattern, mount paths included. */
  path: string;
  /** Names of the `:params` in `path`, in order. */
  params: string[];
}

/** What the fuzzer knows a caller of the route must be; everything else still gets every credential. */
export type RouteGroup = 'merchant' | 'shopper' | 'public';

export function routeKey(route: { method: string; path: string }): string {
  return `${route.method} ${route.path}`;
}

/** The parts of Express 5's (router 2.x) layers the walk reads. Not a public API, so the walk checks what it finds. */
interface Layer {
  rawPath?: unknown;
  slash?: boolean;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/**
 * Every route the app registers, read from its router stack rather than from
 * a hand-kept list: a route added tomorrow is fuzzed without anyone
 * remembering to list it. The express app is the server's request listener.
 */
export function listRoutes(server: http.Server): RouteInfo[] {
  const app = server.listeners('request')[0] as { router?: { stack?: Layer[] } } | undefined;
  const stack = app?.router?.stack;
  if (!stack) throw new Error('the server has no Express router to walk (did createApp change?)');
  const routes: RouteInfo[] = [];
  walk(stack, '', routes);
  if (routes.length === 0) throw new Error('walking the router found no routes');
  return routes;
}

function walk(stack: Layer[], prefix: string, out: RouteInfo[]): void {
  for (const layer of stack) {
    if (layer.route) {
      const path = join(prefix, patternOf(layer.route.path));
      for (const [method, on] of Object.entries(layer.route.methods)) {
        if (on && method !== '_all') out.push({ method: method.toUpperCase(), path, params: paramsOf(path) });
      }
    } else if (layer.handle?.stack) {
      // A mounted router: `app.use('/api/v1', api)` or `api.use(merchantRoutes(...))`.
      walk(layer.handle.stack, layer.slash ? prefix : join(prefix, patternOf(layer.rawPath)), out);
    }
  }
}

function patternOf(path: unknown): string {
  if (typeof path !== 'string') throw new Error(`route path ${String(path)} is not a plain string; teach the fuzzer about it`);
  return path;
}

function join(prefix: string, path: string): string {
  if (path === '/' || path === '') return prefix || '/';
  return `${prefix}${path}`;
}

function paramsOf(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!);
}

/** Shopper routes live under /me; the rest of /api/v1 is the merchant's, except the few public ones. */
export function groupOf(route: RouteInfo): RouteGroup {
  if (route.path.startsWith('/api/v1/me/') || route.path === '/api/v1/me') return 'shopper';
  if (PUBLIC_ROUTES.has(routeKey(route)) || !route.path.startsWith('/api/v1/')) return 'public';
  return 'merchant';
}

const PUBLIC_ROUTES = new Set(['GET /api/v1/vapid-public-key', 'GET /api/v1/demo', 'POST /api/v1/demo/sign-in']);
