import { describe, expect, it } from 'vitest';
import { curlSendCommand } from './curl-command.js';

/* That the command works is proven by running it (test/e2e/console.test.ts); this pins its shape. */
describe('the demo curl command', () => {
  it('sends the JSON body with the key to this origin, one option a line', () => {
    expect(curlSendCommand('http://127.0.0.1:8080', 'tdk_abc-DEF_123', 'alice', 'Your order shipped')).toBe(
      [
        "curl -X POST 'http://127.0.0.1:8080/api/v1/messages' \\",
        "  -H 'Authorization: Bearer tdk_abc-DEF_123' \\",
        "  -H 'Content-Type: application/json' \\",
        `  -d '{"to":{"userIds":["alice"]},"category":"order","title":"Your order shipped"}'`,
      ].join('\n'),
    );
  });

  it("closes, escapes and reopens the quotes around a ' in a title", () => {
    expect(curlSendCommand('https://shop.example', 'tdk_k', 'bob', "Bob's order")).toContain(`"title":"Bob'\\''s order"}'`);
  });
});
