// worker-mailer, an SMTP client written on connect() from cloudflare:sockets, against smtp-server
// fixtures that accept mail only under TLS (interop/smtp.ts): a message sent after STARTTLS must
// arrive intact, and a server that never offers STARTTLS must end in the client's error, not a hang.
import type { Endpoint } from '../../records/fixtures.ts';
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import { REPORTS } from '../regressions/reports.ts';
import { cleanupWithin, describeError, interopOf, receivedMail, rejectionWithin, token, within } from './support.ts';

export const meta: FileMeta = {
  title: 'worker-mailer over connect() with STARTTLS, against smtp-server',
  anchors: ['#starttls-method', '#socketoptions-dictionary'],
  level: 'optional',
  tier: 'interop',
  timeoutMs: 60_000,
  subtests: {
    'worker-mailer upgrades with STARTTLS and startTls(), and the message arrives intact': {
      anchors: ['#starttls-method', '#socketoptions-dictionary', '#writable-attribute'],
      // The SMTP submission flow of workerd#2712 (EHLO, STARTTLS, startTls(), EHLO again, MAIL),
      // against smtp-server on an ephemeral loopback port instead of 587.
      upstream: [REPORTS.smtpStartTls],
    },
    'worker-mailer against a server that never offers STARTTLS ends in an error, not a hang': {
      anchors: ['#starttls-method', '#close-method'],
    },
  },
};

// Loaded when a subtest runs, not when the runner reads `meta` on the host, where the library's
// cloudflare:sockets import has nothing to resolve to.
const loadMailer = () => import('worker-mailer');

const SENDER = 'sender@fixture.test';
const RECIPIENT = 'recipient@fixture.test';
const TEXT = [
  'A message sent over connect() and startTls().',
  'Non-ASCII survives the trip: caf\u00e9, \u65e5\u672c\u8a9e, \u{1f50c}.',
  `A long line that the client must fold: ${'0123456789'.repeat(20)}`,
  '',
].join('\r\n');
/** Large enough to need many writes through the TLS layer. */
const ATTACHMENT_BYTES = 256 * 1024;

function attachmentBytes(): Uint8Array<ArrayBuffer> {
  // A fixed pseudo-random sequence: every byte value occurs, and a reordering would show.
  const bytes = new Uint8Array(ATTACHMENT_BYTES);
  let x = 0x2545f491;
  for (let i = 0; i < bytes.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

async function connectMailer(endpoint: Endpoint) {
  const { LogLevel, WorkerMailer } = await loadMailer();
  return WorkerMailer.connect({
    host: endpoint.hostname,
    port: endpoint.port,
    secure: false,
    startTls: true,
    logLevel: LogLevel.NONE,
    socketTimeoutMs: 20_000,
    responseTimeoutMs: 20_000,
  });
}

export default function (ctx: TestContext): void {
  promise_test(async (t) => {
    const smtp = interopOf(ctx).smtp;
    const tag = token();
    const attachment = attachmentBytes();
    const mailer = await within(connectMailer(smtp.starttls), 'WorkerMailer.connect() with STARTTLS');
    cleanupWithin(t, () => mailer.close());
    await within(
      mailer.send({
        from: { name: 'Interop Sender', email: SENDER },
        to: { email: RECIPIENT },
        subject: `Interop message [${tag}]`,
        text: TEXT,
        attachments: [{ filename: 'payload.bin', content: base64(attachment), mimeType: 'application/octet-stream' }],
      }),
      'mailer.send()',
    );
    const mail = await within(receivedMail(ctx, tag), 'the SMTP fixture mailbox');
    assert_true(mail.secure, 'the server accepted the message under TLS');
    assert_true(mail.tlsProtocol === 'TLSv1.3' || mail.tlsProtocol === 'TLSv1.2', `a current TLS version (got ${mail.tlsProtocol})`);
    assert_equals(mail.envelopeFrom, SENDER, 'MAIL FROM');
    assert_array_equals(mail.envelopeTo, [RECIPIENT], 'RCPT TO');
    assert_equals(mail.subject, `Interop message [${tag}]`, 'Subject');
    assert_equals(mail.from, `"Interop Sender" <${SENDER}>`, 'From');
    // Where a MIME part's last line break ends is the encoder's choice (worker-mailer adds one before
    // the boundary): the text is compared up to its trailing line breaks, the attachment byte for byte.
    const lines = (text: string) => text.replace(/\r\n/g, '\n').replace(/\n+$/, '');
    assert_equals(lines(mail.text), lines(TEXT), 'the text part, decoded');
    assert_equals(mail.attachments.length, 1, 'one attachment');
    assert_equals(mail.attachments[0]!.size, ATTACHMENT_BYTES, 'attachment size, decoded');
    assert_equals(mail.attachments[0]!.sha256, await sha256(attachment), 'attachment content (SHA-256), decoded');
  }, 'worker-mailer upgrades with STARTTLS and startTls(), and the message arrives intact');

  promise_test(async (t) => {
    const smtp = interopOf(ctx).smtp;
    const tag = token();
    // With no STARTTLS on offer the client goes on in the clear, and the server refuses the mail.
    // No close() here: worker-mailer sends RSET after a refused MAIL FROM, and a close() that runs
    // meanwhile pipelines QUIT behind it; its read loop then retries forever on the ended stream. The
    // connection ends with the runtime process, right after the file.
    const mailer = await within(connectMailer(smtp.refusesStarttls), 'WorkerMailer.connect() without STARTTLS on offer');
    const error = await rejectionWithin(
      mailer.send({ from: SENDER, to: RECIPIENT, subject: `Refused [${tag}]`, text: 'must not arrive' }),
      'mailer.send() to a server that wants TLS first',
    );
    assert_true(/\b530\b/.test(describeError(error)), `the client's error carries the server's 530 reply (got ${describeError(error)})`);
  }, 'worker-mailer against a server that never offers STARTTLS ends in an error, not a hang');
}
