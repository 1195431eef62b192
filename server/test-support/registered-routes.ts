import type { App } from '../app.js';

interface RouterLayer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: RouterLayer[] };
  matchers?: ((path: string) => { path?: string } | false)[];
}

/** Every `METHOD /path` the app serves, walked from its router stack (mounts at /api/v1 included). */
export function registeredRoutes(app: App): string[] {
  const express = app.server.listeners('request')[0] as unknown as { router: { stack: RouterLayer[] } };
  const routes: string[] = [];
  const walk = (stack: RouterLayer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) routes.push(`${method.toUpperCase()} ${prefix}${layer.route.path}`);
      } else if (layer.handle?.stack) {
        // A router mounted at a path (app.use('/api/v1', api)) matches that path: that is its prefix.
        const mount = layer.matchers?.[0]?.('/api/v1');
        walk(layer.handle.stack, mount && mount.path === '/api/v1' ? `${prefix}/api/v1` : prefix);
      }
    }
  };
  walk(express.router.stack, '');
  return routes;
}
