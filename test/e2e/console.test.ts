import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import type { DemoInfo } from '../../shared/auth.schema.js';
import type { TestServer } from '../../server/test-support/test-server.js';
import { startDemoShop, stopDemoShop } from './support/demo-shop.js';

/*
 * The merchant console a merchant keeps open (issue 11): sign-in with a key,
 * the demo key and a curl command that works, the history of everything sent
 * with search, status filter and live figures, and cancel / retract / correct
 * behind a confirmation. At phone and desktop size.
 */

const run = promisify(execFile);

let browser: Browser;
let server: TestServer;
let demo: DemoInfo;
beforeAll(async () => {
  ({ browser, server, demo } = await startDemoShop());
});
afterAll(() => stopDemoShop({ browser, server }));

/** A merchant call with the demo shop's key. */
async function asDemoShop(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${demo.merchantKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function sendAsDemoShop(title: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await asDemoShop('POST', '/messages', { to: { userIds: ['alice'] }, category: 'order', title, ...extra });
  expect(res.status).toBe(202);
  return res.body.id as string;
}

function row(page: Page, title: string): Locator {
  return page.getByRole('article', { name: title, exact: true });
}

function figure(row: Locator, label: string): Locator {
  return row.locator('dl div', { has: row.page().getByText(label, { exact: true }) }).locator('dd');
}

async function waitForText(locator: Locator, text: string): Promise<void> {
  await locator.filter({ hasText: new RegExp(`^${text}$`) }).waitFor();
}

async function noHorizontalOverflow(page: Page): Promise<void> {
  const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, view: window.innerWidth }));
  expect(widths.scroll).toBeLessThanOrEqual(widths.view);
}

async function signInWithDemoKey(page: Page): Promise<void> {
  await page.getByRole('button', { name: `Use the demo key of ${demo.shopName}` }).click();
  await page.getByRole('navigation', { name: 'Console sections' }).waitFor();
}

async function search(page: Page, text: string): Promise<void> {
  await page.getByLabel('Search titles').fill(text);
}

describe.each([
  ['phone', { width: 375, height: 812 }],
  ['desktop', { width: 1280, height: 800 }],
])('the merchant console at %s size', (size, viewport) => {
  let context: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    context = await browser.newContext({ viewport, locale: 'en-US' });
    page = await context.newPage();
  });
  afterAll(() => context?.close());

  it('signs in with the demo key in one click, keeps the view in the fragment, and shows a curl command that sends', async () => {
    await page.goto(`${server.url}/console.html#history`);
    await page.getByRole('heading', { name: 'Sign in with a merchant key' }).waitFor();
    await noHorizontalOverflow(page);
    await signInWithDemoKey(page);
    // The fragment asked for the history: that is what opens, and the nav says so.
    await page.getByRole('heading', { name: 'Sent messages', level: 2 }).waitFor();
    expect(await page.getByRole('link', { name: 'Sent messages' }).getAttribute('aria-current')).toBe('page');

    await page.getByRole('link', { name: 'Send', exact: true }).click();
    await page.getByRole('heading', { name: 'Send', exact: true, level: 2 }).waitFor();
    expect(page.url()).toMatch(/#send$/);
    await page.goBack();
    await page.getByRole('heading', { name: 'Sent messages', level: 2 }).waitFor();
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.getByRole('heading', { name: 'Delivery dashboard' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Delivery dashboard' }).waitFor();

    await page.getByRole('link', { name: 'Send', exact: true }).click();
    expect(await page.getByTestId('demo-key').textContent()).toBe(demo.merchantKey);
    const command = (await page.getByTestId('demo-curl').textContent())!;
    expect(command).toContain(`${server.url}/api/v1/messages`);
    // The command exactly as shown, run by a shell; curl's -w adds the status code after the body.
    const { stdout } = await run('sh', ['-c', `${command} -s -w '\\n%{http_code}'`]);
    const [body, code] = stdout.split('\n');
    expect(code).toBe('202');
    const sent = JSON.parse(body!) as { id: string };
    expect((await asDemoShop('GET', `/messages/${sent.id}`)).body).toMatchObject({ title: 'Your order shipped', to: { userIds: ['alice'] } });
    await noHorizontalOverflow(page);
  });

  it('lists what was sent, finds it by title, and updates its figures live when the shopper reads it', async () => {
    const title = `Order #${size}-1042 shipped`;
    const id = await sendAsDemoShop(title);
    await page.getByRole('link', { name: 'Sent messages' }).click();
    await search(page, `${size}-1042`);
    const found = row(page, title);
    await found.waitFor();
    // The search is debounced: wait for it to leave this one row.
    await page.waitForFunction(() => document.querySelectorAll('article').length === 1);
    await waitForText(figure(found, 'Recipients'), '1');
    await waitForText(figure(found, 'Read'), '0');
    await found.getByText('alice').waitFor();
    await found.getByText('Order', { exact: true }).waitFor();

    const token = await server.tokenFor('alice');
    const read = await fetch(`${server.url}/api/v1/me/state`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ changes: [{ messageId: id, state: { read: { value: true, at: new Date().toISOString() } } }] }),
    });
    expect(read.status).toBe(200);
    // No reload: the poller brings the new figure.
    await waitForText(figure(found, 'Read'), '1');
    await page.getByText(/Figures updated/).waitFor();

    // A search for % matches only a literal %.
    await search(page, '%');
    await page.getByText('No message matches.').waitFor();
    await noHorizontalOverflow(page);
  });

  it('corrects a scheduled message before it goes out, and cancels it after a confirmation that Escape dismisses', async () => {
    const typo = `Remidner ${size}: your basket`;
    const title = `Reminder ${size}: your basket`;
    const id = await sendAsDemoShop(typo, { deliverAt: new Date(Date.now() + 3_600_000).toISOString() });
    await search(page, '');
    await page.getByRole('button', { name: 'Scheduled', exact: true }).click();
    expect(await page.getByRole('button', { name: 'Scheduled', exact: true }).getAttribute('aria-pressed')).toBe('true');
    await row(page, typo).getByRole('button', { name: 'Correct' }).click();
    const correctDialog = page.getByRole('dialog', { name: 'Correct this message?' });
    await correctDialog.getByText(/It goes out with the new title and text/).waitFor();
    await waitForValue(correctDialog.getByLabel('Title'), typo);
    await correctDialog.getByLabel('Title').fill(title);
    await correctDialog.getByRole('button', { name: 'Save correction' }).click();
    await correctDialog.waitFor({ state: 'hidden' });
    expect((await asDemoShop('GET', `/messages/${id}`)).body).toMatchObject({ status: 'scheduled', title });
    const scheduled = row(page, title);
    await scheduled.getByRole('button', { name: 'Cancel sending' }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel this scheduled message?' });
    await dialog.getByText('It will not be sent.').waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect((await asDemoShop('GET', `/messages/${id}`)).body.status).toBe('scheduled');
    // Focus went back to the button that opened the question.
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Cancel sending');

    await scheduled.getByRole('button', { name: 'Cancel sending' }).click();
    await dialog.getByRole('button', { name: 'Cancel sending' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await scheduled.getByText('Cancelled', { exact: true }).waitFor();
    expect((await asDemoShop('GET', `/messages/${id}`)).body.status).toBe('cancelled');
    await page.getByRole('button', { name: 'All', exact: true }).click();
  });

  it('retracts one message and corrects another, each confirmed', async () => {
    const mistake = `You won a prize ${size}`;
    const wrong = `Arrives Monday ${size}`;
    const mistakeId = await sendAsDemoShop(mistake);
    const wrongId = await sendAsDemoShop(wrong, { body: 'Your parcel arrives on Monday.' });

    await search(page, mistake);
    const retractable = row(page, mistake);
    await retractable.getByRole('button', { name: 'Retract' }).click();
    const retractDialog = page.getByRole('dialog', { name: 'Retract this message?' });
    await retractDialog.getByText(/disappears from the inbox of 1 shopper/).waitFor();
    await retractDialog.getByRole('button', { name: 'Retract' }).click();
    await retractable.getByText('Retracted', { exact: true }).waitFor();
    expect((await asDemoShop('GET', `/messages/${mistakeId}`)).body.status).toBe('retracted');

    await search(page, wrong);
    await row(page, wrong).getByRole('button', { name: 'Correct' }).click();
    const correctDialog = page.getByRole('dialog', { name: 'Correct this message?' });
    const titleField = correctDialog.getByLabel('Title');
    await waitForValue(titleField, wrong);
    expect(await correctDialog.getByLabel('Text').inputValue()).toBe('Your parcel arrives on Monday.');
    await titleField.fill(`Arrives Wednesday ${size}`);
    await correctDialog.getByRole('button', { name: 'Save correction' }).click();
    await correctDialog.waitFor({ state: 'hidden' });
    await row(page, `Arrives Wednesday ${size}`).waitFor();
    expect((await asDemoShop('GET', `/messages/${wrongId}`)).body).toMatchObject({
      title: `Arrives Wednesday ${size}`,
      body: 'Your parcel arrives on Monday.',
    });

    // An empty title is refused by the server, in plain words, and the dialog stays open.
    await row(page, `Arrives Wednesday ${size}`).getByRole('button', { name: 'Correct' }).click();
    await waitForValue(correctDialog.getByLabel('Title'), `Arrives Wednesday ${size}`);
    await correctDialog.getByLabel('Title').fill('   ');
    await correctDialog.getByRole('button', { name: 'Save correction' }).click();
    await correctDialog.getByRole('alert').filter({ hasText: 'Not done. Some fields are not valid.' }).waitFor();
    await correctDialog.getByRole('button', { name: 'Keep it as it is' }).click();
    await correctDialog.waitFor({ state: 'hidden' });
    expect((await asDemoShop('GET', `/messages/${wrongId}`)).body.title).toBe(`Arrives Wednesday ${size}`);
    await noHorizontalOverflow(page);
  });

  it('signs out, forgetting the key in this tab', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('Signed out. The key was removed from this tab.').waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in with a merchant key' }).waitFor();
  });
});

async function waitForValue(field: Locator, value: string): Promise<void> {
  await field.page().waitForFunction(
    ([element, expected]) => (element as HTMLInputElement).value === expected,
    [await field.elementHandle(), value] as const,
  );
}

describe('signing in to the console', () => {
  it('refuses a wrong key and a pasted non-key plainly', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${server.url}/console.html`);
    const field = page.getByLabel('Merchant key', { exact: true });
    await field.fill('tdk_not-a-real-key-0123456789abcdef');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'This key was not accepted.' }).waitFor();
    await field.fill('hello');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'That is not a merchant key' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await expect(page.getByRole('navigation').count()).resolves.toBe(0);

    // A real key pasted with the spaces a copy picks up is accepted.
    await field.fill(`  ${demo.merchantKey}\n`);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('navigation', { name: 'Console sections' }).waitFor();
    await context.close();
  });

  it('speaks Simplified Chinese to a zh-CN browser', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 375, height: 812 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/console.html#history`);
    await page.getByRole('heading', { name: '使用商户密钥登录' }).waitFor();
    await page.getByRole('button', { name: `使用 ${demo.shopName} 的演示密钥` }).click();
    await page.getByRole('heading', { name: '已发送消息', level: 2 }).waitFor();
    await page.getByLabel('搜索标题').waitFor();
    await page.getByRole('button', { name: '已计划' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    await noHorizontalOverflow(page);
    await context.close();
  });
});
