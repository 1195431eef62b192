/**
 * Mirrors the unread count (unread threads, as the header shows it: see
 * `countUnreadThreads`) on the installed app's icon where the platform
 * supports it (Badging API). Failures are expected — the app is not installed,
 * or the platform says no — and change nothing for the shopper.
 */
export async function showUnreadBadge(count: number): Promise<void> {
  if (!('setAppBadge' in navigator)) return;
  try {
    if (count > 0) await navigator.setAppBadge(count);
    else await navigator.clearAppBadge();
  } catch {
    // Not installed or not allowed: the count in the header still shows it.
  }
}
