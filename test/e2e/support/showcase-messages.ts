/** A few realistic messages of one shopper, for the README's and the manifest's screenshots. */
export const SHOWCASE_MESSAGES: Record<string, unknown>[] = [
  { category: 'promotion', priority: 2, title: 'Weekend sale: 20% off kitchenware', body: 'Ends Sunday at midnight. Use code COOK20 at checkout.' },
  { category: 'order', title: 'Order #1042 placed', body: 'We have your order of 3 items, total €64.90.', collapseKey: 'order:1042', url: '/orders/1042' },
  { category: 'payment', title: 'Payment received for order #1042', body: '€64.90 charged to your Visa ending 4242.', collapseKey: 'order:1042' },
  { category: 'review', priority: 1, title: 'How was your last purchase?', body: 'Tell other shoppers what you think of the ceramic mug.' },
  {
    type: 'user',
    category: 'chat',
    title: 'Lin Mei replied to your question',
    body: 'Yes, the teapot is dishwasher safe, and the lid sits tight when you pour. Happy to help!',
    sender: { id: 'seller-lin', name: 'Lin Mei' },
    icon: '/icons/icon-192.png',
    image: '/icons/icon-512.png',
  },
  { category: 'shipping', priority: 4, title: 'Order #1042 shipped', body: 'Tracking number 1Z999AA10123456784, arriving Thursday.', collapseKey: 'order:1042', url: '/orders/1042' },
  { category: 'account', priority: 5, title: 'Card declined for order #1043', body: 'Update your payment method within 24 hours to keep your order.' },
];
