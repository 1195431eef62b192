import { describe, expect, it } from 'vitest';
import { answerLabel, judge } from './http-oracle.js';
import type { RawOutcome } from './raw-http.js';

function answer(status: number, body: string, contentType: string | null = 'application/json; charset=utf-8'): RawOutcome {
  return { kind: 'response', response: { status, headers: contentType ? { 'content-type': contentType } : {}, body: Buffer.from(body) } };
}

describe('the HTTP fuzz oracle', () => {
  it('accepts 2xx and a 4xx in the stable error shape with a known code', () => {
    expect(judge('GET', answer(200, '{}'), [])).toBeUndefined();
    expect(judge('GET', answer(404, '{"error":{"code":"not-found","message":"No route"}}'), [])).toBeUndefined();
  });

  it('fails any 5xx, a hang, a dropped connection and anything the server logged', () => {
    expect(judge('GET', answer(500, '{"error":{"code":"internal","message":"x"}}'), [])).toMatch(/answered 500/);
    expect(judge('GET', answer(503, ''), [])).toMatch(/answered 503/);
    expect(judge('GET', { kind: 'timeout' }, [])).toMatch(/hang/);
    expect(judge('GET', { kind: 'connection-error', message: 'reset' }, [])).toMatch(/dropped/);
    expect(judge('GET', answer(400, '{"error":{"code":"invalid-json","message":"x"}}'), [{ source: 'log', message: 'request failed' }])).toMatch(/server log/);
  });

  it('fails a 4xx that is not the stable shape: HTML, another shape, a code not in shared/errors.ts', () => {
    expect(judge('POST', answer(400, '<pre>Bad</pre>', 'text/html'), [])).toMatch(/stable error shape/);
    expect(judge('POST', answer(400, '{"message":"bad"}'), [])).toMatch(/stable error shape/);
    expect(judge('POST', answer(400, '{"error":{"code":"Bad_Thing","message":"x"}}'), [])).toMatch(/kebab/);
    expect(judge('POST', answer(400, '{"error":{"code":"made-up-code","message":"x"}}'), [])).toMatch(/shared\/errors/);
  });

  // The server shapes even the answers Node's parser gives before Express (server/http/protocol-errors.ts).
  it('fails a bare 4xx with no body, as Node itself would answer 431 or 417', () => {
    const bare = answer(431, '', null);
    expect(judge('GET', bare, [])).toMatch(/stable error shape/);
    expect(answerLabel(bare)).toBe('431');
  });
});
