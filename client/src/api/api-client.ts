import type { z } from 'zod';
import { ApiError, NetworkError, ProtocolError } from './api-error.js';

/** Every endpoint lives under this prefix, on the PWA's own origin. */
export const API_BASE = '/api/v1';

export interface ApiRequest<T> {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Shopper token or merchant key, sent as a bearer credential. */
  bearer?: string;
  query?: Record<string, string | number>;
  body?: unknown;
  /** Validates the success body; the answer is trusted no further. */
  schema: z.ZodType<T>;
  signal?: AbortSignal;
}

/**
 * The one place the client talks HTTP. Throws `NetworkError` when there was
 * no answer, `ApiError` for an error answer (with its stable code) and
 * `ProtocolError` when a success body does not match the shared schema.
 */
export async function apiRequest<T>(path: string, request: ApiRequest<T>): Promise<T> {
  const url = new URL(API_BASE + path, location.origin);
  for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.set(name, String(value));

  const headers: Record<string, string> = { Accept: 'application/json' };
  if (request.bearer) headers['Authorization'] = `Bearer ${request.bearer}`;
  if (request.body !== undefined) headers['Content-Type'] = 'application/json';

  let response: Response;
  try {
    response = await fetch(url, {
      method: request.method ?? 'GET',
      headers,
      body: request.body === undefined ? null : JSON.stringify(request.body),
      // Answers belong to one shopper and one moment; never let a cache keep them.
      cache: 'no-store',
      signal: request.signal ?? null,
    });
  } catch (cause) {
    if (request.signal?.aborted) throw cause;
    throw new NetworkError(`${request.method ?? 'GET'} ${path} got no answer`, { cause });
  }
  if (!response.ok) throw await ApiError.fromResponse(response);

  const parsed = request.schema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) throw new ProtocolError(`${path} answered with an unexpected body`, { cause: parsed.error });
  return parsed.data;
}
