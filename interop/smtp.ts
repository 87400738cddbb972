// The SMTP fixtures of the interop tier: two smtp-server instances on 127.0.0.1 that accept mail
// only under TLS. `starttls` offers STARTTLS with the interop certificate; `refusesStarttls` never
// offers it, so a client that insists on TLS must end in an error. What arrived is parsed with
// mailparser here, on the host, and handed to the test through `mailbox`, a one-line query service
// (records/fixtures.ts, SmtpFixture).

import { createHash } from 'node:crypto';
import * as net from 'node:net';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import type { Endpoint, ReceivedMail, SmtpFixture } from '../records/fixtures.ts';
import type { TlsMaterial } from '../echo-server/certificates.ts';

/** How long the mailbox waits for a message that has not arrived yet before it answers an error. */
export const MAILBOX_WAIT_MS = 5_000;
/** The token a test puts in a message's subject, in square brackets, to find it again. */
const TOKEN_IN_SUBJECT = /\[([A-Za-z0-9_-]{8,64})\]/;
const MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

export interface RunningSmtp {
  fixture: SmtpFixture;
  /** Messages received so far, by token (for the project's own tests). */
  received: ReadonlyMap<string, ReceivedMail>;
  stop(): Promise<void>;
}

class Mailbox {
  readonly messages = new Map<string, ReceivedMail>();
  private waiters = new Map<string, ((mail: ReceivedMail) => void)[]>();

  put(token: string, mail: ReceivedMail): void {
    this.messages.set(token, mail);
    for (const wake of this.waiters.get(token) ?? []) wake(mail);
    this.waiters.delete(token);
  }

  /** The message for `token`, waiting for it up to `ms`; null when none came. */
  take(token: string, ms: number): Promise<ReceivedMail | null> {
    const known = this.messages.get(token);
    if (known) return Promise.resolve(known);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const list = this.waiters.get(token) ?? [];
        this.waiters.set(token, list.filter((w) => w !== wake));
        resolve(null);
      }, ms);
      const wake = (mail: ReceivedMail) => {
        clearTimeout(timer);
        resolve(mail);
      };
      this.waiters.set(token, [...(this.waiters.get(token) ?? []), wake]);
    });
  }
}

function addressText(value: AddressObject | AddressObject[] | undefined): string {
  if (!value) return '';
  return (Array.isArray(value) ? value : [value]).map((a) => a.text).join(', ');
}

function smtpError(message: string, responseCode: number): Error {
  return Object.assign(new Error(message), { responseCode });
}

async function describeMail(raw: Buffer, session: SMTPServerSession): Promise<ReceivedMail> {
  const parsed = await simpleParser(raw);
  return {
    secure: session.secure,
    tlsProtocol: session.secure ? (session.tlsOptions as { version?: string } | false || { version: undefined }).version ?? null : null,
    envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
    envelopeTo: session.envelope.rcptTo.map((r) => r.address),
    subject: parsed.subject ?? '',
    from: addressText(parsed.from),
    to: addressText(parsed.to),
    text: parsed.text ?? '',
    attachments: parsed.attachments.map((a) => ({
      filename: a.filename ?? '',
      size: a.content.length,
      sha256: createHash('sha256').update(a.content).digest('hex'),
    })),
    rawSize: raw.length,
  };
}

function listen(server: { listen(port: number, host: string, cb: () => void): unknown; once(event: 'error', fn: (e: Error) => void): unknown }, address: () => net.AddressInfo | string | null): Promise<Endpoint> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({ hostname: '127.0.0.1', port: (address() as net.AddressInfo).port }));
  });
}

export async function startSmtp(material: TlsMaterial): Promise<RunningSmtp> {
  const mailbox = new Mailbox();
  const common = (refuse: boolean): SMTPServerOptions => ({
    name: 'fixture.test',
    key: material.privateKey,
    cert: material.certificate,
    authOptional: true,
    // No AUTH on offer: a client with no credentials then goes straight to MAIL FROM.
    disabledCommands: refuse ? ['AUTH', 'STARTTLS'] : ['AUTH'],
    size: MAX_MESSAGE_BYTES,
    logger: false,
    // A mail server that takes submissions only under TLS (RFC 3207's 530 reply).
    onMailFrom(_address, session, callback) {
      if (!session.secure) return callback(smtpError('Must issue a STARTTLS command first', 530));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        describeMail(raw, session).then(
          (mail) => {
            const token = TOKEN_IN_SUBJECT.exec(mail.subject)?.[1];
            if (token) mailbox.put(token, mail);
            callback();
          },
          (error: Error) => callback(smtpError(`cannot parse the message: ${error.message}`, 554)),
        );
      });
    },
  });

  const starttls = new SMTPServer(common(false));
  const refusing = new SMTPServer(common(true));
  const mailboxServer = net.createServer((socket) => {
    socket.on('error', () => {});
    let line = '';
    const onData = (chunk: Buffer) => {
      line += chunk.toString('latin1');
      const end = line.indexOf('\n');
      if (end < 0) {
        if (line.length > 256) socket.destroy();
        return;
      }
      socket.off('data', onData);
      const token = line.slice(0, end).trim();
      mailbox.take(token, MAILBOX_WAIT_MS).then((mail) => {
        const answer = mail ?? { error: `no message with [${token}] in its subject arrived within ${MAILBOX_WAIT_MS} ms` };
        socket.end(`${JSON.stringify(answer)}\n`);
      });
    };
    socket.on('data', onData);
  });
  const sockets = new Set<net.Socket>();
  mailboxServer.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  const servers = [starttls, refusing];
  try {
    const fixture: SmtpFixture = {
      starttls: await listen(starttls, () => starttls.server.address()),
      refusesStarttls: await listen(refusing, () => refusing.server.address()),
      mailbox: await listen(mailboxServer, () => mailboxServer.address()),
    };
    return {
      fixture,
      received: mailbox.messages,
      async stop() {
        for (const s of sockets) s.destroy();
        await Promise.all([
          ...servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))),
          new Promise<void>((resolve) => mailboxServer.close(() => resolve())),
        ]);
      },
    };
  } catch (error) {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    mailboxServer.close();
    throw error;
  }
}
