// Go's JSON decoder refuses documents nested deeper than 10,000 levels; so do we, with its words.

export const MAX_NESTING_DEPTH = 10_000;

/** The scanner error Go's encoding/json gives for text nested too deeply, or undefined. */
export function nestingError(text: string): string | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_NESTING_DEPTH) return `invalid character '${text[i]}' exceeded max depth`;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return undefined;
}

/** A stack overflow while walking a (legal but deep) document. */
export function isStackOverflow(err: unknown): boolean {
  return err instanceof RangeError && /call stack/i.test(err.message);
}
