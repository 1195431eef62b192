import { z } from 'zod';

/**
 * Every error the API answers with carries one of these codes. They are part
 * of the public contract: clients switch on them, so never rename one.
 */
export const ERROR_CODES = [
  'unauthorized', // no credentials given
  'invalid-credentials', // credentials given but not recognised
  'token-expired',
  'wrong-credential-kind', // e.g. a shopper token on a merchant route
  'invalid-json',
  'validation-failed',
  'payload-too-large',
  'unsupported-media-type',
  'not-found',
  'rate-limited',
  'demo-disabled',
  'internal',
  'push-endpoint-not-allowed', // a push subscription whose endpoint is not a configured push service
  'idempotency-key-reused', // the same Idempotency-Key came with a different body
  'already-sent', // cancelling a message that has already gone out
  'not-sent', // retracting, correcting or replying to a message that has not gone out (yet)
  'recurring-message', // retracting a recurrence's template: its occurrences are messages of their own
  'push-subscription-conflict', // the endpoint is another shopper's and the keys do not match the stored ones
  'forbidden-for-role', // a seller key asking for something only a platform key may do
  'cannot-revoke-own-key', // revoking the very key the request is made with
  'bad-request', // a request Express or the body parser could not read (e.g. a body that is not valid gzip)
  'invalid-path', // a path that is not valid percent-encoded UTF-8, or holds a control character such as NUL
  'headers-too-large', // the request line and headers are over Node's limit (431)
  'expectation-failed', // an Expect header other than 100-continue (417)
  'request-timeout', // the request did not arrive within the server's timeout (408)
  'webhook-url-not-allowed', // a webhook URL that is not https, or names or resolves to a private, loopback or otherwise internal address
  'too-many-webhooks', // a merchant key registering more webhooks than allowed
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    /** For validation errors: which fields were wrong and why. */
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** Turns zod issues into the `issues` list of an error body. */
export function describeIssues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }));
}
