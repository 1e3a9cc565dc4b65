/** Commands whose arguments may carry a password (`AUTH user pw`, `HELLO 3 AUTH user pw`, `MIGRATE … AUTH pw`, `ACL SETUSER u >pw`, `CONFIG SET requirepass pw`). */
const SECRET_COMMANDS = new Set(['auth', 'hello', 'migrate', 'acl', 'config']);

/** What replaces the arguments of such a command. */
const REDACTED_ARGS: readonly string[] = Object.freeze(['[redacted]']);

/** How deep `previousErrors` and `cause` are followed. */
const MAX_DEPTH = 4;

interface IoredisErrorShape {
  command?: { name?: unknown; args?: unknown };
  previousErrors?: unknown;
  cause?: unknown;
}

function redact(error: unknown, depth: number): void {
  if (typeof error !== 'object' || error === null || depth > MAX_DEPTH) return;
  const e = error as IoredisErrorShape;
  const command = e.command;
  if (typeof command === 'object' && command !== null && typeof command.name === 'string' && SECRET_COMMANDS.has(command.name.toLowerCase())) {
    try {
      command.args = REDACTED_ARGS;
    } catch {
      // a frozen command object: nothing this function can do about it
    }
  }
  if (Array.isArray(e.previousErrors)) for (const previous of e.previousErrors) redact(previous, depth + 1);
  if (e.cause !== undefined) redact(e.cause, depth + 1);
}

/**
 * Strip secrets from an ioredis error in place and return it. When Redis refuses a password, the
 * ReplyError of `AUTH` holds the user name and password in `command.args`, and ioredis hands that
 * same error object to every command queued behind it and to the client's `error` event; an
 * `EXECABORT` keeps its commands' errors in `previousErrors`. Redacting in place cleans every holder
 * of the shared object. The message is left alone: ioredis never puts a password in it.
 * Anything that is not such an error comes back unchanged.
 */
export function redactRedisError<E>(error: E): E {
  redact(error, 0);
  return error;
}

/** `promise.catch(throwRedacted)`: rethrow a rejection with its secrets stripped. */
export function throwRedacted(error: unknown): never {
  throw redactRedisError(error);
}
