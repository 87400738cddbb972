// Reading from and writing to a socket's streams in tests. Web-standard APIs only.

import { concat, decode, encode, toBytes } from './bytes.ts';

/** Reads bytes, lines and the end of a socket's readable through one reader, keeping what it read
 * past a line ending for the next call. */
export class ByteReader {
  private buffered: Uint8Array = new Uint8Array(0);
  private done = false;

  constructor(readonly reader: ReadableStreamDefaultReader<Uint8Array>) {}

  static of(stream: ReadableStream<Uint8Array>): ByteReader {
    return new ByteReader(stream.getReader());
  }

  /** True once the stream reported done (and nothing is buffered). */
  get ended(): boolean {
    return this.done && this.buffered.byteLength === 0;
  }

  /** Pulls one more chunk into the buffer; false when the stream is done. */
  private async pull(): Promise<boolean> {
    if (this.done) return false;
    const { value, done } = await this.reader.read();
    if (done) {
      this.done = true;
      return false;
    }
    this.buffered = concat([this.buffered, toBytes(value)]);
    return true;
  }

  /** The next line without its line ending (`\n` or `\r\n`). Throws if the stream ends first. */
  async readLine(): Promise<string> {
    for (;;) {
      const newline = this.buffered.indexOf(0x0a);
      if (newline >= 0) {
        const line = this.buffered.subarray(0, newline);
        this.buffered = this.buffered.slice(newline + 1);
        const text = decode(line);
        return text.endsWith('\r') ? text.slice(0, -1) : text;
      }
      if (!(await this.pull())) {
        throw new Error(`the stream ended before a line ending (had ${JSON.stringify(decode(this.buffered))})`);
      }
    }
  }

  /** Exactly `count` bytes. Throws if the stream ends first. */
  async readBytes(count: number): Promise<Uint8Array> {
    while (this.buffered.byteLength < count) {
      if (!(await this.pull())) {
        throw new Error(`the stream ended after ${this.buffered.byteLength} of ${count} bytes`);
      }
    }
    const out = this.buffered.slice(0, count);
    this.buffered = this.buffered.slice(count);
    return out;
  }

  async readText(count: number): Promise<string> {
    return decode(await this.readBytes(count));
  }

  /** Everything up to the end of the stream. */
  async readToEnd(): Promise<Uint8Array> {
    while (await this.pull());
    const out = this.buffered;
    this.buffered = new Uint8Array(0);
    return out;
  }

  releaseLock(): void {
    this.reader.releaseLock();
  }
}

export async function writeText(writer: WritableStreamDefaultWriter<Uint8Array>, text: string): Promise<void> {
  await writer.write(encode(text));
}

/** Writes `text` and reads the same number of bytes back: the round trip through an echo service. */
export async function echoRoundTrip(reader: ByteReader, writer: WritableStreamDefaultWriter<Uint8Array>, text: string): Promise<string> {
  await writeText(writer, text);
  return reader.readText(encode(text).byteLength);
}
