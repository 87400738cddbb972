// Splitting a byte stream into lines for the two line protocols (starttls's plain phase, control).
// Works on bytes, not strings, so garbage and partial UTF-8 pass through unchanged.

const LF = 0x0a;
const CR = 0x0d;

export interface Line {
  /** The line as received, terminator included. */
  raw: Buffer;
  /** The line without its `\n` or `\r\n`, decoded as latin1 (one char per byte). */
  text: string;
}

export class LineBuffer {
  private pending: Buffer = Buffer.alloc(0);

  /** @param maxLength longest unterminated line held before `overflow` hands it out */
  constructor(private readonly maxLength: number) {}

  /** Appends `chunk` and returns the complete lines it finishes. */
  push(chunk: Buffer): Line[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const lines: Line[] = [];
    let start = 0;
    for (let end = this.pending.indexOf(LF, start); end !== -1; end = this.pending.indexOf(LF, start)) {
      const raw = this.pending.subarray(start, end + 1);
      const contentEnd = end > start && this.pending[end - 1] === CR ? end - 1 : end;
      lines.push({ raw, text: this.pending.toString('latin1', start, contentEnd) });
      start = end + 1;
    }
    this.pending = this.pending.subarray(start);
    return lines;
  }

  /** Whether the unterminated remainder has grown past the limit. */
  get overflowing(): boolean {
    return this.pending.length > this.maxLength;
  }

  /** Takes the unterminated remainder (bytes after the last complete line). */
  take(): Buffer {
    const rest = this.pending;
    this.pending = Buffer.alloc(0);
    return rest;
  }
}
