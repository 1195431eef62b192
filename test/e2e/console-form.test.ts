import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { TestServer } from '../../server/test-support/test-server.js';
import { sentMessageIds, startDemoShop, stopDemoShop } from './support/demo-shop.js';

let browser: Browser;
let server: TestServer;
let merchantKey: string;

beforeAll(async () => {
  const shop = await startDemoShop();
  ({ browser, server } = shop);
  merchantKey = shop.demo.merchantKey;
});
afterAll(() => stopDemoShop({ browser, server }));

const PHONE = { width: 375, height: 812 };
const DESKTOP = { width: 1280, height: 800 };

const sentIds = () => sentMessageIds(server, merchantKey);

async function openConsole(viewport: { width: number; height: number }, locale = 'en-GB'): Promise<Page> {
  const context = await browser.newContext({ viewport, locale });
  const page = await context.newPage();
  await page.goto(`${server.url}/console.html#send`);
  // The console asks for a merchant key first; the demo shop's is one click (in any language).
  await page.locator('button.primary[type="button"]').first().click();
  await page.locator('form.send-form').waitFor();
  return page;
}

/** Nothing sticks out sideways: a phone must not scroll horizontally. */
async function overflowingWidth(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/** The field's error, found the way assistive technology finds it: through aria-describedby. */
async function errorOf(page: Page, label: string): Promise<string> {
  const field = page.getByLabel(label, { exact: true });
  expect(await field.getAttribute('aria-invalid')).toBe('true');
  const ids = (await field.getAttribute('aria-describedby'))?.split(' ') ?? [];
  const texts = await Promise.all(ids.map((id) => page.locator(`[id="${id}"].field-error`).allTextContents()));
  // The warning sign is aria-hidden: not part of what is announced.
  return texts.flat().join(' ').replace(/^⚠\s*/, '');
}

describe.each([
  ['phone', PHONE],
  ['desktop', DESKTOP],
])('the send form at %s size', (_name, viewport) => {
  it('explains a missing title and a bad link next to their fields, and sends nothing', async () => {
    const page = await openConsole(viewport);
    const before = await sentIds();

    await page.getByLabel('Link (optional)').fill('javascript:alert(1)');
    await page.getByRole('button', { name: 'Send', exact: true }).click();

    await page.getByRole('alert').filter({ hasText: '2 fields need attention.' }).waitFor();
    expect(await errorOf(page, 'Title')).toBe('Title is required');
    expect(await errorOf(page, 'Link (optional)')).toBe('Link must start with https:// or http://, or be a path on this site starting with /');
    // Focus went to the first field to fix.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('send-title');

    // Fixing a field clears its error as the merchant types.
    await page.getByLabel('Title', { exact: true }).fill('Order #1042 has shipped');
    await page.getByLabel('Title', { exact: true }).getAttribute('aria-invalid').then((value) => expect(value).toBeNull());
    expect(await errorOf(page, 'Link (optional)')).toContain('https://');

    await page.getByRole('button', { name: 'Add a button' }).click();
    await page.getByLabel('Button 1: link').fill('track/1042');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    expect(await errorOf(page, 'Button 1: label')).toBe('Button 1 label is required');
    expect(await errorOf(page, 'Button 1: link')).toBe('Button 1 link must start with https:// or http://, or be a path on this site starting with /');

    expect(await sentIds()).toEqual(before);
    expect(await overflowingWidth(page)).toBeLessThanOrEqual(0);
    await page.context().close();
  });

  it('previews every field as the shopper will see it, and the message arrives with its buttons and collapse key', async () => {
    const page = await openConsole(viewport);
    const title = `Parcel on its way (${viewport.width})`;

    await page.getByRole('checkbox', { name: /Alice/ }).check();
    await page.getByRole('checkbox', { name: /Bob/ }).check();
    await page.getByLabel('Category').selectOption('shipping');
    await page.getByLabel('Priority').selectOption('4');
    await page.getByLabel('Title', { exact: true }).fill(title);
    await page.getByLabel('Body (optional)').fill('Arriving on Thursday between 9 and 12.');
    await page.getByLabel('Link (optional)').fill('/orders/1042');
    await page.getByLabel('Collapse key (optional)').fill('order:1042');
    await page.getByLabel('Icon URL (optional)').fill('/icons/icon-192.png');
    await page.getByLabel('Image URL (optional)').fill('/icons/icon-512.png');
    await page.getByRole('button', { name: 'Add a button' }).click();
    await page.getByLabel('Button 1: label').fill('Track parcel');
    await page.getByLabel('Button 1: link').fill('/orders/1042/tracking');
    await page.getByRole('button', { name: 'Add a button' }).click();
    await page.getByLabel('Button 2: label').fill('Change delivery');
    await page.getByLabel('Button 2: link').fill('https://shop.example/delivery');
    // The schema's maximum is two: no third.
    expect(await page.getByRole('button', { name: 'Add a button' }).count()).toBe(0);
    await page.getByLabel('Expires', { exact: true }).selectOption({ label: 'In 1 day' });

    const notification = page.getByTestId('notification-preview');
    await notification.getByText(title).waitFor();
    await notification.getByText('Arriving on Thursday between 9 and 12.').waitFor();
    expect(await notification.locator('img.image').getAttribute('src')).toBe('/icons/icon-512.png');
    expect(await notification.locator('img.icon').getAttribute('src')).toBe('/icons/icon-192.png');
    expect(await notification.locator('.actions li').allTextContents()).toEqual(['Track parcel', 'Change delivery']);

    const card = page.getByTestId('card-preview');
    await card.getByRole('heading', { name: title }).waitFor();
    await card.getByText('Arriving on Thursday between 9 and 12.').waitFor();
    await card.getByRole('link', { name: 'Track parcel' }).waitFor();
    await card.getByRole('link', { name: 'Change delivery' }).waitFor();
    await card.getByText('High priority').waitFor();
    // Clicking in the preview does not leave the console.
    await card.getByRole('link', { name: 'Track parcel' }).click();
    expect(new URL(page.url()).pathname).toBe('/console.html');

    expect(await overflowingWidth(page)).toBeLessThanOrEqual(0);
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const outcome = page.locator('.outcome');
    await outcome.getByText('Accepted and queued for 2 recipients').waitFor();
    // One status, the live one: the headline names no status of its own to contradict it.
    await outcome.locator('.status .line').getByText('Sent').waitFor();
    expect(await outcome.locator('.headline').textContent()).not.toMatch(/Sent|Queued|Scheduled/);

    const token = await server.tokenFor('bob');
    const res = await fetch(`${server.url}/api/v1/me/sync`, { headers: { authorization: `Bearer ${token}` } });
    const { events } = (await res.json()) as { events: { kind: string; message?: Record<string, unknown> }[] };
    const arrived = events.find((event) => event.message?.['title'] === title)?.message;
    expect(arrived).toMatchObject({
      category: 'shipping',
      priority: 4,
      body: 'Arriving on Thursday between 9 and 12.',
      url: '/orders/1042',
      icon: '/icons/icon-192.png',
      image: '/icons/icon-512.png',
      collapseKey: 'order:1042',
      actions: [
        { title: 'Track parcel', url: '/orders/1042/tracking' },
        { title: 'Change delivery', url: 'https://shop.example/delivery' },
      ],
    });
    const expiresIn = Date.parse(arrived!['expiresAt'] as string) - Date.now();
    expect(expiresIn).toBeGreaterThan(23 * 3600_000);
    expect(expiresIn).toBeLessThanOrEqual(24 * 3600_000);
    await page.context().close();
  });

  it('puts a repeat in words with its next three times, explains a bad cron, and schedules it', async () => {
    const page = await openConsole(viewport);
    await page.getByLabel('Title', { exact: true }).fill('Your weekly picks');
    await page.getByRole('radio', { name: 'Repeating' }).check();
    await page.getByLabel('Repeat: cron (optional)').fill('61 9 * * 1');
    expect(await errorOf(page, 'Repeat: cron (optional)')).toBe('This is not a cron Tidings can read, e.g. 0 9 * * 1');
    expect(await page.getByTestId('cron-words').count()).toBe(0);

    await page.getByLabel('Repeat: cron (optional)').fill('0 9 * * 1');
    await page.getByLabel('Time zone of the repeat').selectOption('Asia/Shanghai');
    expect(await page.getByTestId('cron-words').textContent()).toBe('every Monday at 09:00 Asia/Shanghai');
    const times = await page.locator('.cron-preview time').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('datetime')!));
    expect(times).toHaveLength(3);
    for (const [index, iso] of times.entries()) {
      const at = new Date(iso);
      // 09:00 on a Monday in Shanghai is 01:00 UTC on that Monday, a week apart.
      expect([at.getUTCDay(), at.getUTCHours(), at.getUTCMinutes()]).toEqual([1, 1, 0]);
      if (index > 0) expect(at.getTime() - Date.parse(times[index - 1]!)).toBe(7 * 24 * 3600_000);
    }

    const before = await sentIds();
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.locator('.outcome .status .line').getByText('Scheduled').waitFor();
    const scheduled = (await sentIds()).filter((id) => !before.includes(id));
    expect(scheduled).toHaveLength(1);
    const status = await fetch(`${server.url}/api/v1/messages/${scheduled[0]}`, { headers: { authorization: `Bearer ${merchantKey}` } });
    expect(await status.json()).toMatchObject({ status: 'scheduled', schedule: { cron: '0 9 * * 1', tz: 'Asia/Shanghai', dueAt: times[0] } });
    expect(await overflowingWidth(page)).toBeLessThanOrEqual(0);
    await page.context().close();
  });
});

describe('a message to a topic', () => {
  it('reaches its followers, and the outcome does not call them 0 recipients', async () => {
    const token = await server.tokenFor('chen');
    const follow = await fetch(`${server.url}/api/v1/me/topics/garden`, { method: 'PUT', headers: { authorization: `Bearer ${token}` } });
    expect(follow.ok).toBe(true);
    const page = await openConsole(DESKTOP);
    await page.getByRole('radio', { name: 'Everyone following a topic' }).check();
    await page.getByLabel('Topic', { exact: true }).fill('garden');
    await page.getByLabel('Title', { exact: true }).fill('Garden chairs are back');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const outcome = page.locator('.outcome');
    await outcome.getByText('Accepted for everyone following “garden”, counted as it goes out.').waitFor();
    expect(await outcome.textContent()).not.toContain('0 recipients');

    // A topic fans out after the 202: its followers' copies land a moment later.
    const titles = async (): Promise<(string | undefined)[]> => {
      const res = await fetch(`${server.url}/api/v1/me/sync`, { headers: { authorization: `Bearer ${token}` } });
      return ((await res.json()) as { events: { message?: { title: string } }[] }).events.map((event) => event.message?.title);
    };
    await expect.poll(titles, { timeout: 5000 }).toContain('Garden chairs are back');
    await page.context().close();
  });
});

describe('a time to send that has passed', () => {
  it('is said beside the field before sending, since the server sends it at once', async () => {
    const page = await openConsole(PHONE);
    await page.getByRole('radio', { name: 'At a time' }).check();
    const field = page.getByLabel('Deliver at', { exact: true });
    const hint = async (): Promise<string> => {
      const ids = (await field.getAttribute('aria-describedby'))?.split(' ') ?? [];
      return (await Promise.all(ids.map((id) => page.locator(`[id="${id}"]`).textContent()))).join(' ');
    };
    await field.fill('2020-01-01T10:00');
    await page.getByText('This time has passed: the message goes out as soon as you send it.').waitFor();
    expect(await hint()).toContain('This time has passed');
    await field.fill(`${new Date().getFullYear() + 1}-01-01T10:00`);
    await page.getByText('This time has passed').waitFor({ state: 'detached' });
    expect(await hint()).toContain('Your local time');
    await page.context().close();
  });
});

describe('the server’s own refusal', () => {
  it('is shown beside the field it names, in plain words, when only the server can tell', async () => {
    const page = await openConsole(DESKTOP);
    const before = await sentIds();
    await page.getByLabel('Title', { exact: true }).fill('Order #1042 has shipped');
    // The shared schema lets NUL through; the server refuses it anywhere (PostgreSQL cannot store it).
    await page.getByLabel('Body (optional)').evaluate((field: HTMLTextAreaElement) => {
      field.value = 'Arriving\u0000Thursday';
      field.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await page.getByRole('button', { name: 'Send', exact: true }).click();

    await page.locator('.outcome.failed').getByText('Some fields are not valid.').waitFor();
    expect(await errorOf(page, 'Body (optional)')).toBe('Body holds a character that cannot be shown');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('send-body');
    expect(await sentIds()).toEqual(before);

    // An edit retires the server's answer: it was about the message as it was sent.
    await page.getByLabel('Body (optional)').fill('Arriving Thursday');
    expect(await page.getByLabel('Body (optional)').getAttribute('aria-invalid')).toBeNull();
    await page.context().close();
  });
});

describe('the send form in Simplified Chinese', () => {
  it('renders every label, error and the repeat in Chinese', async () => {
    const page = await openConsole(PHONE, 'zh-CN');
    await page.getByRole('group', { name: '消息' }).waitFor();
    await page.getByRole('button', { name: '发送', exact: true }).click();
    expect(await errorOf(page, '标题')).toBe('请填写标题');

    await page.getByRole('radio', { name: '重复发送' }).check();
    await page.getByLabel('重复：cron 表达式（可选）').fill('0 9 * * 1-5');
    await page.getByLabel('重复所用的时区').selectOption('Asia/Shanghai');
    expect(await page.getByTestId('cron-words').textContent()).toBe('每周一至周五 09:00（Asia/Shanghai）');
    await page.getByRole('button', { name: '添加按钮' }).click();
    await page.getByLabel('按钮 1：文字').waitFor();
    expect(await overflowingWidth(page)).toBeLessThanOrEqual(0);
    await page.context().close();
  });
});
