// What each fixture service does with an accepted connection. echo-server/README.md documents the
// exact bytes; keep the two in step.

import { createHash } from 'node:crypto';
import type { Socket } from 'node:net';
import type { SecureContext } from 'node:tls';
import type { ServiceName } from '../records/fixtures.ts';
import { serveControl } from './control.ts';
import { LineBuffer } from './lines.ts';
import type { Connection, Registry } from './registry.ts';
import { serveTls } from './tls-layer.ts';

export interface ServiceEnv {
  registry: Registry;
  tlsContext: SecureContext;
  /** The same names, certified by a CA that no runtime is given: every handshake with it must fail
   * verification on a client that checks certificates. */
  untrustedTlsContext: SecureContext;
}

export type ServiceHandler = (connection: Connection, socket: Socket, env: ServiceEnv) => void;

/** Longest plain-phase line the starttls service holds back waiting for its terminator. */
const STARTTLS_MAX_LINE = 64 * 1024;

/**
 * Echoes every byte back with backpressure (pause while the write buffer is over its mark), and on
 * the client's FIN ends after everything received has been written.
 */
function echo(connection: Connection, socket: Socket): void {
  connection.watchEnd(socket);
  socket.on('data', (chunk: Buffer) => {
    connection.received(chunk);
    if (!connection.send(socket, chunk)) socket.pause();
  });
  socket.on('drain', () => socket.resume());
  socket.on('end', () => connection.endWrite(socket));
}

function reportLine(connection: Connection): string {
  return JSON.stringify(connection.snapshot()) + '\n';
}

const echoService: ServiceHandler = (connection, socket) => echo(connection, socket);

const tlsEcho: ServiceHandler = (connection, socket, env) => {
  serveTls(connection, socket, env.tlsContext, (secure) => echo(connection, secure));
};

const tlsReport: ServiceHandler = (connection, socket, env) => {
  serveTls(connection, socket, env.tlsContext, (secure) => {
    connection.send(secure, reportLine(connection));
    echo(connection, secure);
  });
};

const report: ServiceHandler = (connection, socket) => {
  connection.send(socket, reportLine(connection));
  echo(connection, socket);
};

/** What a STARTTLS service does with the connection once it has answered `GO`. */
type Upgrade = (connection: Connection, socket: Socket, env: ServiceEnv) => void;

/** The plain phase of the STARTTLS services (echo-server/README.md, `starttls`), then `upgrade`. */
function starttlsWith(upgrade: Upgrade): ServiceHandler {
  return (connection, socket, env) => {
    const lines = new LineBuffer(STARTTLS_MAX_LINE);
    connection.watchEnd(socket);
    connection.send(socket, `READY ${connection.report.id}\r\n`);

    const onData = (chunk: Buffer) => {
      const received = lines.push(chunk);
      for (const [index, line] of received.entries()) {
        connection.received(line.raw);
        if (line.text !== 'STARTTLS') {
          connection.send(socket, line.raw);
          continue;
        }
        connection.send(socket, 'GO\r\n');
        // Whatever followed the command is the client's first TLS bytes: hand it back to the socket
        // unread, so the TLS layer sees it and the plain echo never does.
        const rest = Buffer.concat([...received.slice(index + 1).map((l) => l.raw), lines.take()]);
        socket.off('data', onData);
        socket.off('end', onEnd);
        socket.pause();
        if (rest.length > 0) socket.unshift(rest);
        upgrade(connection, socket, env);
        return;
      }
      if (lines.overflowing) {
        const long = lines.take();
        connection.received(long);
        connection.send(socket, long);
      }
    };
    // A FIN in the plain phase: echo the unterminated tail, as the plain echo would, then end.
    const onEnd = () => {
      const tail = lines.take();
      connection.received(tail);
      if (tail.length > 0) connection.send(socket, tail);
      connection.endWrite(socket);
    };
    socket.on('data', onData);
    socket.on('end', onEnd);
  };
}

const starttls = starttlsWith((connection, socket, env) => {
  const secure = serveTls(connection, socket, env.tlsContext, () => echo(connection, secure));
});

const starttlsUntrusted = starttlsWith((connection, socket, env) => {
  const secure = serveTls(connection, socket, env.untrustedTlsContext, () => echo(connection, secure));
});

/** Reads and discards, never sends, and answers the client's FIN with its own: a TLS handshake on
 * this connection never completes, and a client that gives up is not left waiting for a close. */
function stall(connection: Connection, socket: Socket): void {
  // The plain phase already watches for the client's FIN. Not counted in bytesIn: after STARTTLS
  // these are handshake bytes, which are never echo input.
  socket.on('data', () => {});
  socket.on('end', () => connection.endWrite(socket));
  socket.resume();
}

const starttlsStall = starttlsWith((connection, socket) => stall(connection, socket));

/** The first byte of a TLS record carrying a handshake message (a ClientHello opens with it). */
const TLS_HANDSHAKE_RECORD = 0x16;

/**
 * STARTTLS with no command and no answer, so a client may start its handshake right behind plain
 * writes still on their way: the plain phase is silent, and the first 0x16 byte starts TLS. After the
 * handshake the server says what it got in plain text (`PLAIN <bytes> <sha256 hex>`), then echoes.
 */
const starttlsPipelined: ServiceHandler = (connection, socket, env) => {
  connection.watchEnd(socket);
  const hash = createHash('sha256');
  let count = 0;
  const onData = (chunk: Buffer) => {
    const at = chunk.indexOf(TLS_HANDSHAKE_RECORD);
    const plain = at < 0 ? chunk : chunk.subarray(0, at);
    if (plain.length > 0) {
      connection.received(plain);
      hash.update(plain);
      count += plain.length;
    }
    if (at < 0) return;
    socket.off('data', onData);
    socket.off('end', onEnd);
    socket.pause();
    socket.unshift(chunk.subarray(at));
    const secure = serveTls(connection, socket, env.tlsContext, () => {
      connection.send(secure, `PLAIN ${count} ${hash.digest('hex')}\n`);
      echo(connection, secure);
    });
  };
  const onEnd = () => connection.endWrite(socket);
  socket.on('data', onData);
  socket.on('end', onEnd);
};

const tlsUntrusted: ServiceHandler = (connection, socket, env) => {
  serveTls(connection, socket, env.untrustedTlsContext, (secure) => echo(connection, secure));
};

const tlsStall: ServiceHandler = (connection, socket) => {
  connection.watchEnd(socket);
  socket.on('data', (chunk: Buffer) => connection.received(chunk));
  // Nothing is ever sent; only a client that ends its side gets the FIN back, so it is not left
  // waiting for a close that never comes.
  socket.on('end', () => connection.endWrite(socket));
};

const greetThenFin: ServiceHandler = (connection, socket) => {
  connection.watchEnd(socket);
  connection.send(socket, `HELLO ${connection.report.id}\r\n`);
  connection.endWrite(socket);
  socket.on('data', (chunk: Buffer) => connection.received(chunk));
  socket.on('end', () => socket.destroy());
};

const greetThenRst: ServiceHandler = (connection, socket) => {
  connection.watchEnd(socket);
  connection.send(socket, `HELLO ${connection.report.id}\r\n`);
  socket.on('data', (chunk: Buffer) => {
    connection.received(chunk);
    if (!socket.destroyed) socket.resetAndDestroy();
  });
  // A client that ends without sending a byte never proved it read the greeting: close gracefully.
  socket.on('end', () => connection.endWrite(socket));
};

const closeOnAccept: ServiceHandler = (connection, socket) => {
  connection.watchEnd(socket);
  connection.endWrite(socket);
  socket.on('data', (chunk: Buffer) => connection.received(chunk));
  socket.on('end', () => socket.destroy());
};

const silent: ServiceHandler = (_connection, socket) => {
  // Never read: the kernel's receive buffer fills and the client sees backpressure.
  socket.pause();
};

const control: ServiceHandler = (connection, socket, env) => serveControl(connection, socket, env.registry);

export const SERVICES: Record<Exclude<ServiceName, 'refused'>, ServiceHandler> = {
  'echo': echoService,
  'tls-echo': tlsEcho,
  'starttls': starttls,
  'tls-stall': tlsStall,
  'greet-then-fin': greetThenFin,
  'greet-then-rst': greetThenRst,
  'close-on-accept': closeOnAccept,
  'silent': silent,
  'report': report,
  'tls-report': tlsReport,
  'control': control,
  'tls-untrusted': tlsUntrusted,
  'starttls-untrusted': starttlsUntrusted,
  'starttls-stall': starttlsStall,
  'starttls-pipelined': starttlsPipelined,
};
