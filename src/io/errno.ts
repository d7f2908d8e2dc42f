/** A failed system call in one phrase: `ENOSPC (no space left on device, write)`, without the path the caller names itself. */
export function errnoText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code ? `${err.code} (${err.message.replace(/^\w+: /, '').replace(/, \w+ '.*'$/, '')})` : String(err.message ?? e);
}
