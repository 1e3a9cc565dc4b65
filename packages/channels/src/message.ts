import { randomUUID } from 'node:crypto';
import { z } from 'zod';

/** How urgent a message is; a higher number is delivered first where a channel can order (file, Redis). */
export const MessagePriority = { LOW: 1, NORMAL: 2, HIGH: 3, CRITICAL: 4 } as const;
export type MessagePriority = (typeof MessagePriority)[keyof typeof MessagePriority];

/** A team's name as an address: letters, digits, `.`, `_`, `-` (it becomes a file name and a Redis key). */
export const teamIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'a team id is 1–128 of A-Z a-z 0-9 . _ - and starts with a letter or digit');

/** The one wire format of every channel (seed 000's FallbackMessage, seed 004's CommunicationMessage). */
export const channelMessageSchema = z
  .object({
    /** Unique id; receivers drop a second delivery of the same id (delivery is at least once). */
    id: z.string().min(1).max(200),
    sender: teamIdSchema,
    recipient: teamIdSchema,
    /** What the message is, for routing to a handler (`command`, `status_request`, …). */
    type: z.string().min(1).max(200),
    /** Plain JSON data. */
    payload: z.unknown(),
    priority: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]),
    /** When it was created, ms since the epoch. */
    timestamp: z.number().finite(),
    /** For a reply: the id of the request it answers. */
    replyTo: z.string().min(1).max(200).optional(),
    /** Not to be delivered after this time (ms since the epoch); an expired message is reported, not handled. */
    expiresAt: z.number().finite().optional(),
    /** How many send attempts have been made (the sending side increments it). */
    attempts: z.number().int().nonnegative(),
    /** The sender waits for a reply (a request): a receiver that cannot handle it answers with an error reply. */
    replyExpected: z.boolean().optional(),
  })
  .strict();

export type ChannelMessage = z.infer<typeof channelMessageSchema>;

export interface NewMessage {
  sender: string;
  recipient: string;
  type: string;
  payload?: unknown;
  priority?: MessagePriority;
  replyTo?: string;
  /** Time to live from now, ms. */
  ttlMs?: number;
  /** The sender waits for a reply (see {@link ChannelMessage.replyExpected}). */
  replyExpected?: boolean;
}

/** A new message with a fresh id and `now` as its timestamp. */
export function createMessage(init: NewMessage, now: number = Date.now()): ChannelMessage {
  return channelMessageSchema.parse({
    id: randomUUID(),
    sender: init.sender,
    recipient: init.recipient,
    type: init.type,
    payload: init.payload ?? null,
    priority: init.priority ?? MessagePriority.NORMAL,
    timestamp: now,
    ...(init.replyTo === undefined ? {} : { replyTo: init.replyTo }),
    ...(init.ttlMs === undefined ? {} : { expiresAt: now + init.ttlMs }),
    attempts: 0,
    ...(init.replyExpected === undefined ? {} : { replyExpected: init.replyExpected }),
  });
}
