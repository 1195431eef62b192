import { TEST_MERCHANT_KEY } from './test-server.js';

/** One JSON request to /api/v1 as the test merchant (or with `credential`); the body parsed when there is one. */
export async function api(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  options: { credential?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${baseUrl}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${options.credential ?? TEST_MERCHANT_KEY}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

// Re-exported: tests have always taken until from here; the loop lives in eventually.ts.
export { until } from './eventually.js';
