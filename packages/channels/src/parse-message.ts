import { InvalidMessageError } from './errors/invalid-message-error.js';
import { channelMessageSchema, type ChannelMessage } from './message.js';

/**
 * `value` as a {@link ChannelMessage}, validated with `channelMessageSchema`, or an
 * {@link InvalidMessageError} naming each bad field (never its value).
 */
export function parseChannelMessage(value: unknown): ChannelMessage {
  const result = channelMessageSchema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(message)'}: ${i.message}`);
  throw new InvalidMessageError(issues, { cause: result.error });
}

/**
 * A copy of `message` as it would look after a trip over a wire (JSON), validated. Channels send
 * this copy, so a sender that mutates its object afterwards never changes what was delivered.
 */
export function wireCopy(message: ChannelMessage): ChannelMessage {
  let text: string;
  try {
    text = JSON.stringify(message);
  } catch (error) {
    throw new InvalidMessageError(['payload: must be JSON-serialisable'], { cause: error });
  }
  return parseChannelMessage(JSON.parse(text));
}
