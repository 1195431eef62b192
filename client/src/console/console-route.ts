/**
 * The console's views, in the order its navigation shows them. The URL
 * fragment names the open one (`#history`), so reload and Back keep it.
 */
export const CONSOLE_TABS = ['send', 'history', 'dashboard'] as const;
export type ConsoleTab = (typeof CONSOLE_TABS)[number];

/** The view a fragment names; anything else (none, unknown, a stale link) opens the first. */
export function tabFromHash(hash: string): ConsoleTab {
  const name = hash.replace(/^#/, '');
  return (CONSOLE_TABS as readonly string[]).includes(name) ? (name as ConsoleTab) : CONSOLE_TABS[0];
}

export function hashOf(tab: ConsoleTab): string {
  return `#${tab}`;
}
