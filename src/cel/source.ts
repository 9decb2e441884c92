// Expression text as code points with line offsets, and cel-go's error display format.

export interface Location {
  /** 1-based line; -1 when unknown. */
  line: number;
  /** 0-based column in code points. */
  column: number;
}

export const NO_LOCATION: Location = { line: -1, column: -1 };

export class Source {
  readonly codePoints: number[];
  /** Code point offset at which each line starts. */
  private readonly lineStarts: number[] = [0];

  constructor(readonly text: string, readonly description = '<input>') {
    this.codePoints = Array.from(text, (c) => c.codePointAt(0)!);
    this.codePoints.forEach((cp, i) => {
      if (cp === 10) this.lineStarts.push(i + 1);
    });
  }

  locationOf(offset: number): Location {
    if (offset < 0) return NO_LOCATION;
    let line = 0;
    while (line + 1 < this.lineStarts.length && this.lineStarts[line + 1] <= offset) line++;
    return { line: line + 1, column: offset - this.lineStarts[line] };
  }

  offsetOf(line: number, column: number): number {
    return (this.lineStarts[line - 1] ?? 0) + column;
  }

  snippet(line: number): string | undefined {
    if (line < 1 || line > this.lineStarts.length) return undefined;
    const start = this.lineStarts[line - 1];
    const end = line < this.lineStarts.length ? this.lineStarts[line] - 1 : this.codePoints.length;
    return String.fromCodePoint(...this.codePoints.slice(start, end));
  }
}

export interface CelIssue {
  location: Location;
  message: string;
}

const MAX_SNIPPET = 16384;

/** One issue as cel-go prints it: the message, the source line and a caret under the column. */
function displayIssue(source: Source, issue: CelIssue): string {
  const { line, column } = issue.location;
  let out = `ERROR: ${source.description}:${line}:${column + 1}: ${issue.message}`;
  const snippet = source.snippet(line);
  if (snippet === undefined || snippet.length > MAX_SNIPPET) return out;
  const chars = Array.from(snippet.replace(/\t/g, ' '));
  let marker = '';
  for (let i = 0; i < column && i < chars.length; i++) marker += chars[i].codePointAt(0)! > 127 ? '\uff0e' : '.';
  const at = chars[column];
  marker += at !== undefined && at.codePointAt(0)! > 127 ? '\uff3e' : '^';
  return `${out}\n | ${chars.join('')}\n | ${marker}`;
}

/** All issues sorted by position (stable), as cel-go's Errors.ToDisplayString. */
export function displayIssues(source: Source, issues: CelIssue[]): string {
  const sorted = issues
    .map((issue, i) => ({ issue, i }))
    .sort((a, b) => a.issue.location.line - b.issue.location.line || a.issue.location.column - b.issue.location.column || a.i - b.i)
    .map((x) => x.issue);
  const shown = sorted.slice(0, 100).map((issue) => displayIssue(source, issue));
  if (sorted.length > 100) shown.push(`${sorted.length - 100} more errors were truncated`);
  return shown.join('\n');
}
