import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { curlSendCommand } from './curl-command.js';

const run = promisify(execFile);

/** What a POSIX shell makes of the command: each argument curl would get, one per line. */
async function argumentsOf(command: string): Promise<string[]> {
  const { stdout } = await run('sh', ['-c', `set -- ${command.replace(/^curl /, '')}; printf '%s\\0' "$@"`]);
  return stdout.split('\0').slice(0, -1);
}

describe('the demo curl command', () => {
  it('is one shell command whose arguments are the request, body included', async () => {
    const command = curlSendCommand('http://127.0.0.1:8080', 'tdk_abc-DEF_123', 'alice', 'Your order shipped');
    expect(command).toContain("'Authorization: Bearer tdk_abc-DEF_123'");
    expect(await argumentsOf(command)).toEqual([
      '-X',
      'POST',
      'http://127.0.0.1:8080/api/v1/messages',
      '-H',
      'Authorization: Bearer tdk_abc-DEF_123',
      '-H',
      'Content-Type: application/json',
      '-d',
      '{"to":{"userIds":["alice"]},"category":"order","title":"Your order shipped"}',
    ]);
  });

  it("survives a ' in a title or key", async () => {
    const command = curlSendCommand('https://shop.example', "tdk_it's", 'o\'neil', "Bob's order");
    const args = await argumentsOf(command);
    expect(args[4]).toBe("Authorization: Bearer tdk_it's");
    expect(JSON.parse(args[8]!)).toEqual({ to: { userIds: ["o'neil"] }, category: 'order', title: "Bob's order" });
  });
});
