import { shopperTokenResponseSchema } from '../../../shared/auth.schema.js';
import { apiRequest } from '../api/api-client.js';
import { readSession, signIn, signOut as forgetShopper } from '../db/meta.repository.js';
import { showUnreadBadge } from '../pwa/app-badge.js';
import { turnOffPush } from '../push/push.service.js';

/**
 * Takes a sign-in token from the address (`/#token=…`, as the shop links to
 * the app) and removes it at once, so it does not stay in the address bar,
 * the history, a bookmark or a shared screenshot. The fragment never reaches
 * a server log: that is why the shop puts it there.
 */
export function takeTokenFromLocation(): string | null {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const token = fragment.get('token');
  if (token === null) return null;
  fragment.delete('token');
  const rest = fragment.toString();
  history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
  return token.trim() || null;
}

/** A token from a link: its user stays unknown until the server names it. */
export function signInWithLinkToken(token: string): Promise<boolean> {
  return signIn(token, null);
}

/** Demo mode only: the server mints a token for one of its demo shoppers. */
export async function signInAsDemoShopper(userId: string): Promise<void> {
  const answer = await apiRequest('/demo/sign-in', {
    method: 'POST',
    body: { userId },
    schema: shopperTokenResponseSchema,
  });
  await signIn(answer.token, answer.userId);
}

/**
 * Removes the shopper's token, messages and cursor from this device, and its
 * push subscription first (while the token can still tell the server), so the
 * next person at this device sees no notification of the last one.
 */
export async function signOut(): Promise<void> {
  const session = await readSession();
  if (session) {
    await turnOffPush(session.token).catch((error: unknown) => {
      console.warn('tidings: push could not be turned off at sign-out', error);
    });
  }
  await forgetShopper();
  await showUnreadBadge(0);
}
