import { describe, expect, it } from 'vitest';
import { messageTo, TEST_MERCHANT_KEY } from '../../server/test-support/test-server.js';
import { appInChromium } from './support/app-in-chromium.js';

/* A seller writes to a shopper; the shopper answers in the same thread from the PWA; the shop reads the answer. */

const app = appInChromium();

describe('replies in Chromium', () => {
  it('lets the shopper answer a seller in the thread, on every device, and the merchant read it', async () => {
    const sent = await app.server.send(
      messageTo(['e2e-reply'], {
        type: 'user',
        category: 'chat',
        sender: { id: 'seller-7', name: 'Mia from Acme' },
        title: 'About your question on the rain jacket',
        body: 'It runs small; I would take one size up.',
      }),
    );
    expect(sent.status).toBe(202);
    const { id } = (await sent.json()) as { id: string };

    const phone = await app.browser.newContext();
    const laptop = await app.browser.newContext();
    const token = await app.server.tokenFor('e2e-reply');
    const [onPhone, onLaptop] = await Promise.all([phone.newPage(), laptop.newPage()]);
    await onPhone.goto(`${app.server.url}/#token=${token}`);
    await onLaptop.goto(`${app.server.url}/#token=${token}`);

    // The message opens whole; its Reply opens the conversation with the reply box.
    await onPhone.getByRole('button', { name: 'About your question on the rain jacket' }).click();
    await onPhone.getByRole('button', { name: 'Reply', exact: true }).click();
    await onPhone.getByLabel('Reply to Mia from Acme').fill('Thanks! Size M then.');
    await onPhone.getByRole('button', { name: 'Send reply' }).click();
    await onPhone.getByRole('listitem').filter({ hasText: 'Thanks! Size M then.' }).waitFor();
    // The box empties once the send is done (the reply may show first, through the stream).
    await expect.poll(() => onPhone.getByLabel('Reply to Mia from Acme').inputValue()).toBe('');

    // The other device gets the reply through sync, in the same thread.
    // The thread's row now shows its newest message, the reply.
    await onLaptop.getByRole('button', { name: 'Re: About your question on the rain jacket', exact: true }).click();
    await onLaptop.getByRole('listitem').filter({ hasText: 'Thanks! Size M then.' }).waitFor();

    const replies = await fetch(`${app.server.url}/api/v1/messages/${id}/replies`, {
      headers: { authorization: `Bearer ${TEST_MERCHANT_KEY}` },
    });
    expect(replies.status).toBe(200);
    const body = (await replies.json()) as { replies: { userId: string; message: { body: string } }[] };
    expect(body.replies).toEqual([expect.objectContaining({ userId: 'e2e-reply', message: expect.objectContaining({ body: 'Thanks! Size M then.' }) })]);
    await Promise.all([phone.close(), laptop.close()]);
  });

  it('offers no reply box on a shop notice', async () => {
    expect((await app.server.send(messageTo(['e2e-noreply'], { title: 'Order #7 shipped', collapseKey: 'order:7' }))).status).toBe(202);
    expect((await app.server.send(messageTo(['e2e-noreply'], { title: 'Order #7 delivered', collapseKey: 'order:7' }))).status).toBe(202);
    const context = await app.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${app.server.url}/#token=${await app.server.tokenFor('e2e-noreply')}`);
    await page.getByRole('button', { name: 'Order #7 delivered' }).click();
    await page.getByRole('listitem').filter({ hasText: 'Order #7 shipped' }).waitFor();
    await expect(page.getByRole('button', { name: 'Send reply' }).count()).resolves.toBe(0);
    await context.close();
  });
});
