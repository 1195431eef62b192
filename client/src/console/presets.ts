import type { KNOWN_CATEGORIES } from '../../../shared/message.schema.js';
import type { Strings } from '../i18n/strings.js';

export type PresetKey = keyof Strings['console']['presetList'];

/** What a preset fills in besides its words (which are in the locale's `console.presetList`). */
export interface Preset {
  key: PresetKey;
  category: (typeof KNOWN_CATEGORIES)[number];
  priority: number;
  url: string;
  /** Where the preset's one button leads. */
  actionUrl: string;
  collapseKey: string;
  /** Minutes until the message expires; 0 for never. */
  expiresInMinutes: number;
}

/**
 * Examples a newcomer can send with one click, each showing one behaviour of
 * the inbox: emphasis of urgent messages, a link and a button, a thread by
 * collapse key, an offer that expires.
 */
export const PRESETS: readonly Preset[] = [
  {
    key: 'shipped',
    category: 'shipping',
    priority: 3,
    url: '/orders/1042',
    actionUrl: '/orders/1042/tracking',
    collapseKey: 'order:1042',
    expiresInMinutes: 0,
  },
  {
    key: 'paymentFailed',
    category: 'payment',
    priority: 5,
    url: '/orders/1043/payment',
    actionUrl: '/orders/1043/payment',
    collapseKey: 'order:1043',
    expiresInMinutes: 0,
  },
  {
    key: 'flashSale',
    category: 'promotion',
    priority: 2,
    url: 'https://shop.example/sale',
    actionUrl: 'https://shop.example/sale/rain-jackets',
    collapseKey: 'sale:rain-jackets',
    expiresInMinutes: 2,
  },
];
