import { ERROR_CODES, errorBodySchema } from '../../shared/errors.js';
import type { FuzzStats } from './fuzz-stats.js';
import type { FuzzTarget, ServerFault } from './fuzz-target.js';
import { CREDENTIALS, describeRequest, toRawRequest, type Credential, type FuzzRequest } from './http-generators.js';
import { sendRaw, type RawOutcome, type RawResponse } from './raw-http.js';

/** Long enough for a 64 KiB body on a busy 2-core machine; a server that takes longer has hung. */
export const REQUEST_TIMEOUT_MS = 10_000;

const KEBAB = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const KNOWN_CODES = new Set<string>(ERROR_CODES);

/**
 * What is wrong with one answer, or undefined when it is fine: any 5xx, a
 * hang, a dropped connection, a 4xx that is not the stable error shape, or
 * anything the server logged at error level or failed to catch meanwhile.
 */
export function judge(method: string, outcome: RawOutcome, faults: ServerFault[]): string | undefined {
  const problems: string[] = [];
  if (outcome.kind === 'timeout') problems.push(`no answer within ${REQUEST_TIMEOUT_MS} ms (hang)`);
  if (outcome.kind === 'connection-error') problems.push(`connection dropped without an answer: ${outcome.message}`);
  if (outcome.kind === 'response') {
    const { status, headers, body } = outcome.response;
    if (status >= 500) problems.push(`answered ${status}: ${body.toString('utf8').slice(0, 300)}`);
    if (status >= 400 && status < 500 && method !== 'HEAD' && !outcome.response.truncated) {
      const shape = errorShapeProblem(headers['content-type'], body);
      if (shape) problems.push(`answered ${status} without the stable error shape (${shape}): ${body.toString('utf8').slice(0, 300)}`);
    }
  }
  for (const fault of faults) problems.push(`server ${fault.source}: ${fault.message.slice(0, 600)}`);
  return problems.length > 0 ? problems.join('\n') : undefined;
}

/** How an answer is counted in the histogram. */
export function answerLabel(outcome: RawOutcome): string {
  return outcome.kind === 'response' ? String(outcome.response.status) : outcome.kind;
}

function errorShapeProblem(contentType: string | undefined, body: Buffer): string | undefined {
  if (!/^application\/json\b/.test(contentType ?? '')) return `Content-Type ${contentType ?? '(none)'}`;
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return 'body is not JSON';
  }
  const parsed = errorBodySchema.safeParse(json);
  if (!parsed.success) return 'not { error: { code, message } }';
  const { code } = parsed.data.error;
  if (!KEBAB.test(code)) return `code ${JSON.stringify(code)} is not kebab-case`;
  if (!KNOWN_CODES.has(code)) return `code ${JSON.stringify(code)} is not in shared/errors.ts`;
  return undefined;
}

/** What a long run groups failures by: the answer and the server's own words with ids and numbers taken out. */
function signatureOf(outcome: RawOutcome, problem: string): string {
  // The server's own words when it logged any (a late log may land on the next request's answer), else the answer.
  const fault = /server (?:log|unhandledRejection|uncaughtException): (.*)/.exec(problem)?.[1];
  const answer = outcome.kind === 'response' ? String(outcome.response.status) : outcome.kind;
  const words = (fault ?? `${answer}: ${problem.split('\n')[0]!}`)
    .replace(/['"].*$/, '…')
    .replace(/\d+/g, 'N')
    .slice(0, 160);
  return words;
}

/**
 * Sends one generated request with each credential (none, the merchant key,
 * the shopper token, and its own bad Authorization if it has one), so the
 * fuzz gets past authentication into validation and the stores. Returns the
 * first failure as a reproducer, after recording every answer in `stats`.
 */
export async function runHttpCase(target: FuzzTarget, request: FuzzRequest, stats?: FuzzStats): Promise<string | undefined> {
  const credentials: Credential[] = request.badAuthorization !== undefined ? [...CREDENTIALS, 'bad'] : [...CREDENTIALS];
  let first: string | undefined;
  for (const credential of credentials) {
    const outcome = await sendRaw(target.server.url, toRawRequest(request, credential, target.secrets), REQUEST_TIMEOUT_MS);
    // Faults logged a moment after the answer (a rejected promise settling late) belong to this request too.
    await new Promise((resolve) => setImmediate(resolve));
    const problem = judge(request.method, outcome, target.takeFaults());
    stats?.record(request.route, answerLabel(outcome));
    if (!problem) continue;
    const reproducer = `${problem}\n--- reproducer (${target.kind}) ---\n${describeRequest(request, credential)}`;
    stats?.fail(`${target.kind} ${signatureOf(outcome, problem)}`, request.route, reproducer);
    first ??= reproducer;
  }
  return first;
}
