import { getPreferences } from '../api/me-state.api.js';
import { readSession } from '../db/meta.repository.js';
import { applyRemotePreferences } from '../db/preferences.repository.js';

/**
 * Asks the server for the shopper's preferences and keeps them if newer
 * than this device's (the event log carries later changes). Failures are
 * quiet: the local copy stays in force and the next reconnect asks again.
 */
export async function refreshPreferences(): Promise<void> {
  try {
    const session = await readSession();
    if (!session || session.expired) return;
    await applyRemotePreferences(await getPreferences(session.token));
  } catch {
    // Offline, or a server without preferences yet: nothing to change.
  }
}
