import { z } from 'zod';
import { TABLE_BITS, TABLE_SIZE } from './ranking-features.js';
import { OPEN_RATES_CAPACITY, OpenRates, SENDER_PREFIX, type OpenRateEntry, type OpenRateSettings } from './ranking-open-rates.js';
import { RECENT_OPENS_CAPACITY } from './recent-opens.js';

/**
 * The ranker's saved state (ranking.ts `save()`): its format, the formats
 * before it that are still read, and the hashed table as base64. The JSON
 * stays on the device (docs/smart-inbox.md); a state that cannot be read
 * starts the ranker over from the static order.
 */

/**
 * 2 added the open rates; 3 counts a sender across categories, against what
 * the categories predicted, instead of per category × sender (a state of
 * format 2 is read and converted, see `fromFormat2`); a state of format 1
 * starts over from the static order.
 */
export const RANKER_STATE_FORMAT = 'tidings-ranker/3';

/** Bytes of the saved table: fixed, whatever was learned; beside it the recent-opens list (at most 64 keys) and the open rates (at most 256). */
export const SAVED_TABLE_BYTES = Math.ceil((TABLE_SIZE * 8) / 3) * 4;

const rateEntry = z.tuple([z.string().max(200), z.number().finite().min(0), z.number().finite().min(0), z.number().finite()]);
const savedFields = {
  tableBits: z.literal(TABLE_BITS),
  /** z then n, TABLE_SIZE float32 each, little-endian, base64. */
  table: z.base64().length(SAVED_TABLE_BYTES),
  opens: z.array(z.tuple([z.string().max(200), z.number().finite()])).max(RECENT_OPENS_CAPACITY),
};

const savedSchema = z.strictObject({
  format: z.literal(RANKER_STATE_FORMAT),
  ...savedFields,
  /** [key, opens, outcomes, when last counted]: opens never more than outcomes, except a sender's (opens, expected opens). */
  rates: z
    .array(rateEntry.refine(([key, opens, seen]) => key.startsWith(SENDER_PREFIX) || opens <= seen))
    .max(OPEN_RATES_CAPACITY),
});
export type SavedRanker = z.infer<typeof savedSchema>;

const savedFormat2Schema = z.strictObject({
  format: z.literal('tidings-ranker/2'),
  ...savedFields,
  /** Keys `*`, `c=<category>` and `c=<category>|s=<sender>`. */
  rates: z.array(rateEntry.refine(([, opens, seen]) => opens <= seen)).max(OPEN_RATES_CAPACITY),
});

/**
 * A state of format 2 as format 3: the table and recent opens as they are;
 * each sender's per-category counts summed into one, their outcomes turned
 * into the opens their category's counted rate predicted.
 */
function fromFormat2(saved: z.infer<typeof savedFormat2Schema>, settings: OpenRateSettings): SavedRanker {
  const kept = saved.rates.filter(([key]) => !key.includes('|s='));
  const rates = new OpenRates(settings, kept);
  const senders = new Map<string, OpenRateEntry>();
  for (const [key, opens, seen, at] of saved.rates) {
    const pair = /^c=(.*)\|s=(.*)$/.exec(key);
    if (!pair) continue;
    const senderKey = `${SENDER_PREFIX}${pair[2]}`;
    const expected = seen * rates.categoryRate(pair[1]!, at);
    const sum = senders.get(senderKey) ?? [senderKey, 0, 0, at];
    senders.set(senderKey, [senderKey, sum[1] + opens, sum[2] + expected, Math.max(sum[3], at)]);
  }
  return { ...saved, format: RANKER_STATE_FORMAT, rates: new OpenRates(settings, [...kept, ...senders.values()]).entries() };
}

/** A saved state this version can read, converted to the current format; undefined for one it cannot. */
export function readSaved(saved: unknown, settings: OpenRateSettings): SavedRanker | undefined {
  const current = savedSchema.safeParse(saved);
  if (current.success) return current.data;
  const format2 = savedFormat2Schema.safeParse(saved);
  return format2.success ? fromFormat2(format2.data, settings) : undefined;
}


export function encodeTable(zs: Float32Array, ns: Float32Array): string {
  const view = new DataView(new ArrayBuffer(TABLE_SIZE * 8));
  for (let i = 0; i < TABLE_SIZE; i++) {
    view.setFloat32(i * 4, zs[i]!, true);
    view.setFloat32((TABLE_SIZE + i) * 4, ns[i]!, true);
  }
  const bytes = new Uint8Array(view.buffer);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function decodeTable(table: string): { z: Float32Array; n: Float32Array } {
  const binary = atob(table);
  const view = new DataView(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) view.setUint8(i, binary.charCodeAt(i));
  const zs = new Float32Array(TABLE_SIZE);
  const ns = new Float32Array(TABLE_SIZE);
  for (let i = 0; i < TABLE_SIZE; i++) {
    zs[i] = view.getFloat32(i * 4, true);
    // A negative or non-finite sum of squares cannot come from learning; read it as untouched.
    const n = view.getFloat32((TABLE_SIZE + i) * 4, true);
    ns[i] = Number.isFinite(n) && n > 0 ? n : 0;
    if (!Number.isFinite(zs[i]!)) zs[i] = 0;
  }
  return { z: zs, n: ns };
}
