// The worker's message format (docs/scaling.md "Message format"): what an input message holds, the entry a result
// adds to the results stream, and the entry a message that cannot be processed adds to the dead-letter stream. Every
// value is a string (stream fields are); structured values are JSON.
import type { ModelIdentity } from '../identity';

/** Why a message went to the dead-letter stream: the worker's own codes, or the engine's (NerErrorCode). */
export type DeadLetterCode =
  | 'ERR_MALFORMED_MESSAGE' // neither or both of "text" and "texts", "texts" not a JSON array of strings, a bad "id"
  | 'ERR_MESSAGE_TOO_LARGE' // more texts or more text than maxMessageTexts / maxMessageChars allow
  | 'ERR_TOO_MANY_DELIVERIES' // delivered more than maxDeliveries times (it may crash or stall every worker)
  | string; // an engine error the message itself caused: ERR_INVALID_ARGUMENT, ERR_TEXT_TOO_LONG, ERR_TOO_MANY_WINDOWS

/** A message the worker refuses, with the dead-letter code that says why. */
export class MessageError extends Error {
  constructor(
    readonly code: DeadLetterCode,
    message: string,
  ) {
    super(message);
    this.name = 'MessageError';
  }
}

/** A valid input message: its texts, and whether it gave one ("text") or a list ("texts"). */
export interface ParsedMessage {
  /** The message's own "id" field, if it has one (carried to its result). */
  id?: string;
  texts: string[];
  single: boolean;
}

/** The size limits a message must keep (the worker options of the same names). */
export interface MessageLimits {
  maxMessageTexts: number;
  maxMessageChars: number;
}

// An "id" is the caller's reference, copied into the result: a bounded string.
const MAX_ID_LENGTH = 1024;

/**
 * Reads an input message: a "text" field (one text) or a "texts" field (a JSON array of strings), not both, and
 * optionally an "id" field; other fields are ignored. Throws a MessageError naming what is wrong.
 */
export function parseMessage(fields: Record<string, string>, limits: MessageLimits): ParsedMessage {
  const hasText = Object.hasOwn(fields, 'text');
  const hasTexts = Object.hasOwn(fields, 'texts');
  if (hasText === hasTexts) {
    const why = hasText ? 'has both "text" and "texts"' : 'has neither "text" nor "texts"';
    throw new MessageError('ERR_MALFORMED_MESSAGE', `the message ${why}; give one`);
  }
  const id = fields.id;
  if (id !== undefined && id.length > MAX_ID_LENGTH) {
    throw new MessageError('ERR_MALFORMED_MESSAGE', `"id" is ${id.length} characters long; at most ${MAX_ID_LENGTH}`);
  }
  let texts: string[];
  if (hasText) {
    texts = [fields.text];
  } else {
    let parsed: unknown;
    try {
      parsed = JSON.parse(fields.texts);
    } catch {
      throw new MessageError('ERR_MALFORMED_MESSAGE', '"texts" is not JSON; it must be a JSON array of strings');
    }
    if (!Array.isArray(parsed) || parsed.some((t) => typeof t !== 'string')) {
      throw new MessageError('ERR_MALFORMED_MESSAGE', '"texts" must be a JSON array of strings');
    }
    texts = parsed as string[];
  }
  if (texts.length > limits.maxMessageTexts) {
    throw new MessageError('ERR_MESSAGE_TOO_LARGE', `the message holds ${texts.length} texts; at most ${limits.maxMessageTexts} (maxMessageTexts)`);
  }
  const chars = texts.reduce((sum, text) => sum + text.length, 0);
  if (chars > limits.maxMessageChars) {
    throw new MessageError('ERR_MESSAGE_TOO_LARGE', `the message holds ${chars} characters of text; at most ${limits.maxMessageChars} (maxMessageChars)`);
  }
  return { id, texts, single: hasText };
}

/**
 * The results-stream entry of a processed message. `key` is the input message's ID, the same on every delivery, so
 * a consumer drops a result whose key it has seen (a redelivered message gives the same key and the same content).
 */
export function resultEntry(
  key: string,
  message: ParsedMessage,
  field: 'entities' | 'redacted',
  results: unknown[],
  identity: ModelIdentity | undefined,
): Record<string, string> {
  const entry: Record<string, string> = { key };
  if (message.id !== undefined) entry.id = message.id;
  if (identity !== undefined) entry.model = identity.sha256;
  entry[field] = JSON.stringify(message.single ? results[0] : results);
  return entry;
}

// The dead-letter entry copies the message's fields when they are this small; a larger message stays in the input
// stream, where its key finds it (XRANGE IN key key), so a poison message of many megabytes is not copied.
const MAX_COPIED_BYTES = 64 << 10;

/** The dead-letter entry of a message: its key, its "id", the error, its delivery count and (when small) its fields. */
export function deadLetterEntry(
  key: string,
  fields: Record<string, string>,
  error: { code: string; message: string },
  deliveries: number,
): Record<string, string> {
  const entry: Record<string, string> = { key };
  if (typeof fields.id === 'string' && fields.id.length <= MAX_ID_LENGTH) entry.id = fields.id;
  entry.error = error.code;
  entry.message = error.message;
  entry.deliveries = String(deliveries);
  const copy = JSON.stringify(fields);
  if (Buffer.byteLength(copy, 'utf8') <= MAX_COPIED_BYTES) entry.fields = copy;
  else entry.fieldsBytes = String(Buffer.byteLength(copy, 'utf8'));
  return entry;
}
