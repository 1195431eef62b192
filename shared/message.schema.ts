import { z } from 'zod';
import { LIMITS } from './limits.js';
import { isSafeUrl } from './safe-url.js';

export const MESSAGE_TYPES = ['system', 'user', 'scheduled'] as const;
export const KNOWN_CATEGORIES = [
  'order',
  'payment',
  'shipping',
  'promotion',
  'account',
  'review',
  'chat',
] as const;

/** Priority 1–5: 1 min, 2 low, 3 default, 4 high, 5 urgent. */
export const PRIORITY = { min: 1, low: 2, default: 3, high: 4, urgent: 5 } as const;

/** Ids of shoppers and senders, as the shop knows them. */
export const userIdSchema = z
  .string()
  .min(1)
  .max(LIMITS.idLength)
  .regex(/^[A-Za-z0-9_.:@+-]+$/, 'may contain only letters, digits and _ . : @ + -');

export const safeUrlSchema = z
  .string()
  .max(LIMITS.urlLength)
  .refine(isSafeUrl, 'must be an http(s) URL or a same-origin path starting with /');

export const categorySchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be lower-case letters, digits, - or _')
  .max(LIMITS.categoryLength);

export const prioritySchema = z.number().int().min(PRIORITY.min).max(PRIORITY.urgent);

const actionSchema = z.strictObject({
  title: z.string().min(1).max(LIMITS.actionTitleLength),
  url: safeUrlSchema,
});

const senderSchema = z.strictObject({
  id: userIdSchema,
  name: z.string().min(1).max(LIMITS.senderNameLength),
});

const dataSchema = z
  .record(z.string(), z.json())
  .refine(
    (value) => utf8Length(JSON.stringify(value)) <= LIMITS.dataBytes,
    `must serialise to at most ${LIMITS.dataBytes} bytes of JSON`,
  );

/** An instant on the wire: ISO 8601 with an offset, normalised to UTC. */
export const instantSchema = z.iso
  .datetime({ offset: true })
  .transform((value) => new Date(value).toISOString());

/** The parts of a message the merchant chooses. */
const contentShape = {
  type: z.enum(MESSAGE_TYPES).default('system'),
  category: categorySchema,
  priority: prioritySchema.default(PRIORITY.default),
  title: z.string().trim().min(1).max(LIMITS.titleLength),
  body: z.string().max(LIMITS.bodyLength).optional(),
  url: safeUrlSchema.optional(),
  icon: safeUrlSchema.optional(),
  image: safeUrlSchema.optional(),
  actions: z.array(actionSchema).max(LIMITS.actions).optional(),
  data: dataSchema.optional(),
  collapseKey: z
    .string()
    .min(1)
    .max(LIMITS.collapseKeyLength)
    .regex(/^[A-Za-z0-9_.:@+-]+$/, 'may contain only letters, digits and _ . : @ + -')
    .optional(),
  sender: senderSchema.optional(),
  expiresAt: instantSchema.optional(),
};

/** Body of `POST /api/v1/messages`. Unknown fields are refused, not ignored. */
export const sendMessageRequestSchema = z
  .strictObject({
    to: z.strictObject({
      userIds: z.array(userIdSchema).min(1).max(LIMITS.recipientsPerRequest),
    }),
    ...contentShape,
  })
  .superRefine((message, ctx) => {
    if (message.type === 'user' && !message.sender) {
      ctx.addIssue({ code: 'custom', path: ['sender'], message: 'is required for type "user"' });
    }
    if (message.type !== 'user' && message.sender) {
      ctx.addIssue({ code: 'custom', path: ['sender'], message: 'is only allowed for type "user"' });
    }
    if (message.type === 'scheduled') {
      ctx.addIssue({
        code: 'custom',
        path: ['type'],
        message: 'scheduled messages are not supported yet (deliverAt and repeat come later)',
      });
    }
    if (message.expiresAt && Date.parse(message.expiresAt) <= Date.now()) {
      ctx.addIssue({ code: 'custom', path: ['expiresAt'], message: 'must be in the future' });
    }
  });
export type SendMessageRequest = z.infer<typeof sendMessageRequestSchema>;

/** A message as stored and as every client receives it. */
export const messageSchema = z.object({
  id: z.string().min(1).max(LIMITS.idLength),
  type: z.enum(MESSAGE_TYPES),
  category: categorySchema,
  priority: prioritySchema,
  title: z.string().max(LIMITS.titleLength),
  body: z.string().max(LIMITS.bodyLength).optional(),
  url: safeUrlSchema.optional(),
  icon: safeUrlSchema.optional(),
  image: safeUrlSchema.optional(),
  actions: z.array(actionSchema).max(LIMITS.actions).optional(),
  data: z.record(z.string(), z.json()).optional(),
  collapseKey: z.string().max(LIMITS.collapseKeyLength).optional(),
  sender: senderSchema.optional(),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime().optional(),
});
export type Message = z.infer<typeof messageSchema>;

export const sendMessageResponseSchema = z.object({
  id: z.string(),
  status: z.enum(['queued', 'scheduled']),
  recipients: z.number().int().nonnegative(),
});
export type SendMessageResponse = z.infer<typeof sendMessageResponseSchema>;

const encoder = new TextEncoder();
export function utf8Length(text: string): number {
  return encoder.encode(text).length;
}
