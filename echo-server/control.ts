// The control service: a line protocol through which a test learns afterwards what the server saw on
// one of its connections (by the id that greetings and report lines carry).
//
//   QUERY <id>\n              -> the connection's report as one JSON line
//   WAIT-CLOSED <id> <ms>\n   -> the same, once that connection has closed or <ms> have passed
//
// Answers keep the order of the commands, even when a WAIT-CLOSED is still waiting.

import type { Socket } from 'node:net';
import { LineBuffer } from './lines.ts';
import type { Connection, Registry } from './registry.ts';

/** Upper bound of a WAIT-CLOSED, so a mistaken test cannot hold a control connection for long. */
export const WAIT_CLOSED_MAX_MS = 5000;
const MAX_LINE = 4096;

function answer(value: unknown): string {
  return JSON.stringify(value) + '\n';
}

function waitClosed(target: Connection, ms: number, until: Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    let cancel = () => {};
    const done = () => {
      clearTimeout(timer);
      cancel();
      resolve();
    };
    const timer = setTimeout(done, ms);
    cancel = target.onClosed(done);
    // The control connection going away (or stop()) ends the wait, so no timer outlives it.
    void until.then(done);
  });
}

async function execute(line: string, registry: Registry, gone: Promise<void>): Promise<string> {
  const words = line.trim().split(/\s+/);
  const [command, id, msText] = words;
  if (command === 'QUERY' && words.length === 2) {
    const target = registry.get(id!);
    return answer(target ? target.snapshot() : { error: 'unknown id' });
  }
  if (command === 'WAIT-CLOSED' && words.length === 3) {
    const ms = Number(msText);
    if (!Number.isInteger(ms) || ms < 0) return answer({ error: 'bad arguments' });
    const target = registry.get(id!);
    if (!target) return answer({ error: 'unknown id' });
    await waitClosed(target, Math.min(ms, WAIT_CLOSED_MAX_MS), gone);
    return answer(target.snapshot());
  }
  return answer({ error: 'unknown command' });
}

export function serveControl(connection: Connection, socket: Socket, registry: Registry): void {
  const lines = new LineBuffer(MAX_LINE);
  let queue = Promise.resolve();
  const gone = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const reply = (text: string) => {
    if (!socket.destroyed && socket.writable) connection.send(socket, text);
  };

  connection.watchEnd(socket);
  socket.on('data', (chunk: Buffer) => {
    connection.received(chunk);
    for (const line of lines.push(chunk)) {
      if (line.text.trim() === '') continue;
      queue = queue
        .then(() => execute(line.text, registry, gone))
        .catch((error: unknown) => answer({ error: `internal: ${String(error)}` }))
        .then(reply);
    }
    if (lines.overflowing) {
      lines.take();
      queue = queue.then(() => reply(answer({ error: 'line too long' })));
    }
  });
  socket.on('end', () => {
    queue = queue.then(() => connection.endWrite(socket));
  });
}
