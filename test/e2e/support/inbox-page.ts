import type { Locator, Page } from 'playwright-core';

/*
 * The shopper's inbox as a test drives it: a card by its title, the actions
 * a card keeps in its ⋮ menu, and the header's ⋮ menu (Settings, Sign out).
 */

/** The card whose heading is `title`. */
export function card(page: Page, title: string): Locator {
  return page.getByRole('article').filter({ has: page.getByRole('heading', { name: title }) });
}

/** Opens the card's ⋮ menu and chooses `action` ("Mark as read", "Archive", "Delete"…). */
export async function cardAction(page: Page, title: string, action: string): Promise<void> {
  await card(page, title).getByRole('button', { name: 'More actions' }).click();
  await page.getByRole('menuitem', { name: action, exact: true }).click();
}

/** Opens the card's ⋮ menu and waits for `action` to be offered (then closes the menu again). */
export async function expectCardAction(page: Page, title: string, action: string): Promise<void> {
  await card(page, title).getByRole('button', { name: 'More actions' }).click();
  await page.getByRole('menuitem', { name: action, exact: true }).waitFor();
  await page.keyboard.press('Escape');
}

/** Chooses `item` ("Settings", "Sign out"…) from the header's ⋮ menu. */
export async function appMenu(page: Page, item: string | RegExp): Promise<void> {
  await page.getByRole('banner').getByRole('button', { name: /^(Menu|菜单)$/ }).click();
  await page.getByRole('menuitem', { name: item }).click();
}
