import type { KNOWN_CATEGORIES } from '../../../shared/message.schema.js';

export interface Preset {
  label: string;
  category: (typeof KNOWN_CATEGORIES)[number];
  priority: number;
  title: string;
  body: string;
  url: string;
  /** Minutes until the message expires; 0 for never. */
  expiresInMinutes: number;
}

/**
 * Examples a newcomer can send with one click, each showing one behaviour of
 * the inbox: emphasis of urgent messages, a link, an offer that expires.
 */
export const PRESETS: readonly Preset[] = [
  {
    label: 'Order shipped',
    category: 'shipping',
    priority: 3,
    title: 'Order #1042 has shipped',
    body: 'Your parcel is on its way and should arrive on Thursday.',
    url: '/orders/1042',
    expiresInMinutes: 0,
  },
  {
    label: 'Payment failed',
    category: 'payment',
    priority: 5,
    title: 'Payment for order #1043 failed',
    body: 'Your card was declined. Update your payment method within 24 hours to keep the order.',
    url: '/orders/1043/payment',
    expiresInMinutes: 0,
  },
  {
    label: 'Flash sale',
    category: 'promotion',
    priority: 2,
    title: 'Flash sale: 30% off rain jackets',
    body: 'Only for the next two minutes. It disappears from the inbox when it ends.',
    url: 'https://shop.example/sale',
    expiresInMinutes: 2,
  },
];
