// The requirements catalogue: every testable statement of the Sockets API draft, in this project's
// own words. Test files name the ids they check in their `meta.subtests[*].covers`; coverage and the
// reporters read this list, so a user never needs the draft itself.
//
// Levels: `required` where the draft states the behaviour (must / shall / is, the IDL, or the numbered
// connect() steps); `optional` where it says should / may or leaves the point open; `informational`
// where behaviour is worth showing but the draft gives nothing to judge it by. Ids are stable: add
// entries, never rename or reuse one.

import type { Level } from '../records/result.ts';

export interface Requirement {
  /** Stable dotted id, `<section>.<behaviour>`. */
  id: string;
  /** Heading id in the draft (one of SPEC_ANCHORS), e.g. `#opened-attribute`. */
  anchor: string;
  level: Level;
  /** One line in our words: the behaviour a conforming implementation shows. */
  statement: string;
  /** One line: why the level is what it is, where that is not obvious. */
  rationale?: string;
}

/** The heading ids of the draft (index.bs), in document order. */
export const SPEC_ANCHORS: readonly string[] = [
  '#intro', '#concepts', '#socket-concept-section', '#connect-concept-section', '#binding-object-concept',
  '#socket-section', '#using-a-socket', '#socket-class', '#attributes', '#readable-attribute',
  '#writable-attribute', '#opened-attribute', '#closed-attribute', '#methods', '#close-method',
  '#starttls-method', '#socket-error', '#connect-section', '#socketoptions-dictionary',
  '#socketinfo-dictionary', '#anysocketaddress-type',
];

const r = (id: string, anchor: string, level: Level, statement: string, rationale?: string): Requirement =>
  rationale === undefined ? { id, anchor, level, statement } : { id, anchor, level, statement, rationale };

export const requirements: readonly Requirement[] = [
  // ── connect(): the numbered steps, one by one ──────────────────────────────────────────────────
  r('connect.returns-socket-synchronously', '#connect-section', 'required',
    'connect() returns a socket object directly, not a promise or thenable.'),
  r('connect.attributes-initialised', '#connect-section', 'required',
    'The returned socket already has its readable, writable, opened and closed members when connect() returns.'),
  r('connect.returns-pending', '#connect-section', 'required',
    'When connect() returns, opened has not settled yet: the socket starts pending and connects afterwards.'),
  r('connect.no-throw-on-unreachable', '#connect-section', 'required',
    'A well-formed address nobody listens on does not make connect() throw; the failure arrives through the promises.',
    'the concept section says a failed connect throws, but the numbered steps return a pending socket and report the failure asynchronously; the steps are the precise text'),
  r('connect.opened-marked-handled', '#connect-section', 'required',
    'A rejected opened that nobody observes raises no unhandled-rejection report.'),
  r('connect.closed-marked-handled', '#connect-section', 'required',
    'A rejected closed that nobody observes raises no unhandled-rejection report.'),
  r('connect.established-resolves-opened', '#connect-section', 'required',
    'Once the TCP connection is up, opened resolves (plain transport) and the server has seen the connection.'),
  r('connect.secure-opened-after-handshake', '#connect-section', 'required',
    'With secure transport, opened stays pending while the TLS handshake has not completed.'),
  r('connect.failure-rejects-opened', '#connect-section', 'required',
    'When the connection cannot be made, opened rejects.'),
  r('connect.failure-rejects-closed', '#connect-section', 'required',
    'When the connection cannot be made, closed rejects.'),
  r('connect.failure-same-error', '#connect-section', 'required',
    'When the connection cannot be made, opened and closed reject with one and the same error object.'),
  r('connect.failure-socketerror', '#connect-section', 'optional',
    'The error a failed connection rejects with is a SocketError (an instance of TypeError).',
    'the steps say SocketError, but workerd rejects a refused connection with a plain Error; kept optional while implementations disagree'),
  r('connect.failure-cancels-readable', '#connect-section', 'required',
    'After a failed connection the readable yields no data: a read ends or rejects.'),
  r('connect.failure-aborts-writable', '#connect-section', 'required',
    'After a failed connection a write to the writable rejects.'),
  r('connect.failure-streams-carry-error', '#connect-section', 'optional',
    'After a failed connection, the readable and writable report the same error that rejected opened.',
    'a cancel reason is only visible to a reader when the implementation errors the stream with it; the draft says the readable is canceled'),
  r('connect.streams-usable-before-open', '#connect-section', 'required',
    'A reader and a writer can be taken before opened settles, and bytes written then reach the server once connected.'),
  r('connect.malformed-address-fails', '#connect-section', 'required',
    'A malformed address never yields a working socket: connect() throws or opened rejects.'),
  r('connect.malformed-address-throws', '#connect-section', 'optional',
    'connect() throws synchronously for a malformed address.',
    'the draft says connect may throw here'),
  r('connect.malformed-address-throws-socketerror', '#connect-section', 'required',
    'When connect() throws for a malformed address, the thrown value is a SocketError (a TypeError).'),
  r('connect.blocked-destination', '#connect-section', 'informational',
    'Whether the implementation refuses some destinations (e.g. port 25, loopback) and how.',
    'the draft only notes that implementations may block destinations'),

  // ── SocketOptions ──────────────────────────────────────────────────────────────────────────────
  r('options.secure-transport-default-off', '#socketoptions-dictionary', 'required',
    'Without a secureTransport option the connection is plain text: the bytes written reach the server unchanged.'),
  r('options.secure-transport-off', '#socketoptions-dictionary', 'required',
    'secureTransport "off" makes a plain-text connection.'),
  r('options.secure-transport-on', '#socketoptions-dictionary', 'required',
    'secureTransport "on" makes a TLS connection verified against the trusted CAs, and data round-trips over it.'),
  r('options.secure-transport-on-checks-name', '#socketoptions-dictionary', 'optional',
    'With secureTransport "on", a certificate that does not cover the server name asked for (the sni given) fails the connection.',
    'the draft names the default CAs but not name checking; accepting any name would make TLS pointless'),
  r('options.secure-transport-on-plain-server-fails', '#socketoptions-dictionary', 'required',
    'secureTransport "on" against a server that does not speak TLS does not resolve opened.'),
  r('options.secure-transport-starttls-plain', '#socketoptions-dictionary', 'required',
    'secureTransport "starttls" starts as plain text until startTls() is called.'),
  r('options.secure-transport-invalid', '#socketoptions-dictionary', 'required',
    'A secureTransport value outside "off" / "on" / "starttls" makes connect() throw a TypeError.',
    'the IDL enum conversion throws a TypeError for an unknown value'),
  r('options.alpn-offered', '#socketoptions-dictionary', 'required',
    'The alpn list is offered to the server in the TLS handshake, in the given order.'),
  r('options.alpn-default-none', '#socketoptions-dictionary', 'required',
    'Without an alpn option no ALPN protocol is offered (the default is an empty list).'),
  r('options.alpn-with-off', '#socketoptions-dictionary', 'informational',
    'What happens when alpn is given with secureTransport "off" (throw, rejection, or ignored).',
    'the draft says alpn may only be given with "on" or "starttls" but not what happens otherwise'),
  r('options.sni-sent', '#socketoptions-dictionary', 'required',
    'The sni option is sent as the TLS server name, whatever the hostname connected to.'),
  r('options.sni-default', '#socketoptions-dictionary', 'informational',
    'Which server name is sent when sni is not given (the hostname, or none for an IP literal).',
    'the draft does not say what is sent by default'),
  r('options.sni-with-off', '#socketoptions-dictionary', 'informational',
    'What happens when sni is given with secureTransport "off" (throw, rejection, or ignored).',
    'the draft says sni may only be given with "on" or "starttls" but not what happens otherwise'),
  r('options.allow-half-open-false-closes-writable', '#socketoptions-dictionary', 'required',
    'With allowHalfOpen false, once the peer\'s FIN has been read, writes fail and no further bytes reach the server.'),
  r('options.allow-half-open-true-keeps-writable', '#socketoptions-dictionary', 'required',
    'With allowHalfOpen true, after the peer\'s FIN the readable ends but bytes written still reach the server.'),
  r('options.allow-half-open-default-false', '#socketoptions-dictionary', 'optional',
    'Without an allowHalfOpen option the socket behaves as with false: after the peer\'s FIN, writes fail.',
    'the IDL default is false, but the polyfill defaults to true; kept optional while implementations disagree'),

  // ── SocketInfo ─────────────────────────────────────────────────────────────────────────────────
  r('info.members', '#socketinfo-dictionary', 'required',
    'The SocketInfo has remoteAddress, localAddress and alpn members, each a string or null.',
    'dictionary members with a default (null in the IDL) are always present'),
  r('info.remote-address-provided', '#socketinfo-dictionary', 'optional',
    'remoteAddress is a non-null string naming the peer.',
    'the member text says it provides the peer, but its IDL default is null and peer addresses are an open question (proposal issue 17)'),
  r('info.remote-address-host-port', '#socketinfo-dictionary', 'optional',
    'A non-null remoteAddress is a host:port combination whose port is the port connected to.',
    'the format is only given by example'),
  r('info.remote-address-ipv6-form', '#socketinfo-dictionary', 'informational',
    'How remoteAddress writes an IPv6 peer (bracketed or not).',
    'the draft gives no IPv6 example'),
  r('info.local-address-observed', '#socketinfo-dictionary', 'informational',
    'What localAddress holds (absent, null, a bare address, or host:port).',
    'the draft makes it optional and implementations disagree on the format'),
  r('info.local-address-host-port', '#socketinfo-dictionary', 'optional',
    'A non-null localAddress is a host:port combination whose port is the one the server saw the connection come from.',
    'the member is optional and the format is only given by example'),
  r('info.alpn-agreed', '#socketinfo-dictionary', 'required',
    'When the server agrees to one of the offered ALPN protocols, alpn is that protocol\'s name.'),
  r('info.alpn-null-without-tls', '#socketinfo-dictionary', 'required',
    'On a plain-text connection alpn is null.'),
  r('info.alpn-null-without-offer', '#socketinfo-dictionary', 'required',
    'On a TLS connection that offered no ALPN protocol, alpn is null.'),

  // ── AnySocketAddress ───────────────────────────────────────────────────────────────────────────
  r('address.string-ipv4', '#anysocketaddress-type', 'required',
    'A "host:port" string with an IPv4 literal host connects to that address and port.'),
  r('address.string-hostname', '#anysocketaddress-type', 'required',
    'A "host:port" string with a host name (localhost) connects to that name and port.'),
  r('address.string-ipv6', '#anysocketaddress-type', 'optional',
    'A "[v6-literal]:port" string connects over IPv6.',
    'the draft does not say how an IPv6 literal is written in the string form'),
  r('address.dictionary-ipv4', '#anysocketaddress-type', 'required',
    'A { hostname, port } dictionary with an IPv4 literal connects to that address and port.'),
  r('address.dictionary-ipv6', '#anysocketaddress-type', 'required',
    'A { hostname, port } dictionary with an IPv6 literal (no brackets) connects over IPv6.'),
  r('address.dictionary-hostname', '#anysocketaddress-type', 'required',
    'A { hostname, port } dictionary with a host name (localhost) connects to that name and port.'),
  r('address.string-url-form', '#anysocketaddress-type', 'informational',
    'Whether a URL-like string ("tcp://host:port") is accepted.',
    'the string format beyond host:port is an open question (proposal issue 13)'),
  r('address.string-missing-port', '#anysocketaddress-type', 'informational',
    'What a string without a port does (throws, rejects, or connects to some default port).',
    'the draft requires host and port but the polyfill defaults to 443'),

  // ── Socket class ───────────────────────────────────────────────────────────────────────────────
  r('socket.members', '#socket-class', 'required',
    'A socket has readable, writable, opened and closed, and close() and startTls() methods.'),
  r('socket.attributes-readonly', '#socket-class', 'required',
    'Assigning to readable, writable, opened or closed does not replace them.',
    'the IDL declares them readonly'),
  r('socket.attributes-stable', '#socket-class', 'required',
    'Reading readable, writable, opened or closed twice gives the same object.'),
  r('socket.constructor', '#socket-class', 'informational',
    'Whether the socket\'s constructor can be called directly.',
    'the draft leaves the constructor to implementations'),

  // ── readable ───────────────────────────────────────────────────────────────────────────────────
  r('readable.is-readable-stream', '#readable-attribute', 'required',
    'readable is a ReadableStream.'),
  r('readable.receives-data', '#readable-attribute', 'required',
    'Bytes the server sends arrive, in order, through readable.'),
  r('readable.chunks-are-bytes', '#readable-attribute', 'optional',
    'readable yields Uint8Array chunks.',
    'the draft does not name the chunk type; every implementation and example uses bytes'),
  r('readable.ends-on-fin', '#readable-attribute', 'required',
    'When the server closes its side, reading readable reports done after the last byte.'),
  r('readable.stream-mode', '#readable-attribute', 'informational',
    'Whether readable is a byte stream (a BYOB reader can be taken) or a default stream.',
    'the draft currently says non-byte mode but calls this up for discussion'),

  // ── writable ───────────────────────────────────────────────────────────────────────────────────
  r('writable.is-writable-stream', '#writable-attribute', 'required',
    'writable is a WritableStream.'),
  r('writable.sends-data', '#writable-attribute', 'required',
    'Uint8Array chunks written to writable reach the server, in order.'),
  r('writable.accepts-strings', '#writable-attribute', 'informational',
    'Whether a string written to writable is sent (as UTF-8) or rejected.',
    'an example in the draft writes a string, but nothing states it'),
  r('writable.accepts-other-buffer-sources', '#writable-attribute', 'informational',
    'Whether ArrayBuffer and other typed-array chunks are sent as their bytes.',
    'the draft does not name the chunk types'),

  // ── opened ─────────────────────────────────────────────────────────────────────────────────────
  r('opened.is-promise', '#opened-attribute', 'required',
    'opened is a Promise.'),
  r('opened.resolves-socketinfo', '#opened-attribute', 'required',
    'opened resolves with a SocketInfo object once the connection is established.'),
  r('opened.rejects-on-failure', '#opened-attribute', 'required',
    'opened rejects when the connection fails.'),
  r('opened.secure-after-handshake', '#opened-attribute', 'required',
    'For a TLS socket, opened resolves only after the handshake: the negotiated details are known by then.'),

  // ── closed ─────────────────────────────────────────────────────────────────────────────────────
  r('closed.is-promise', '#closed-attribute', 'required',
    'closed is a Promise.'),
  r('closed.resolves-on-close', '#closed-attribute', 'required',
    'closed resolves after close() is called.'),
  r('closed.resolves-on-fin-when-reading', '#closed-attribute', 'required',
    'With allowHalfOpen false, closed resolves when readable is being read and the server sends FIN.'),
  r('closed.resolves-on-rst-when-reading', '#closed-attribute', 'required',
    'With allowHalfOpen false, closed resolves (does not reject) when readable is being read and the server resets the connection.',
    'the draft lists a RST among the circumstances that resolve closed'),
  r('closed.pending-after-fin-half-open', '#closed-attribute', 'required',
    'With allowHalfOpen true, the server\'s FIN alone does not resolve closed.'),
  r('closed.without-reading', '#closed-attribute', 'informational',
    'Whether closed resolves when the server closes but readable is never read.',
    'the draft calls this up for discussion'),
  r('closed.rejects-on-failure', '#closed-attribute', 'required',
    'closed rejects when the connection cannot be established.'),
  r('closed.not-resolved-by-readable-cancel', '#closed-attribute', 'required',
    'Cancelling readable does not resolve closed.'),
  r('closed.not-resolved-by-writable-close', '#closed-attribute', 'required',
    'Closing writable does not resolve closed.'),
  r('closed.not-resolved-by-both-streams', '#closed-attribute', 'required',
    'Cancelling readable and closing writable together does not resolve closed.'),

  // ── close() ────────────────────────────────────────────────────────────────────────────────────
  r('close.returns-closed', '#close-method', 'required',
    'close() returns the very promise held by closed, on every call.'),
  r('close.closes-connection', '#close-method', 'required',
    'After close() the server sees the connection closed.'),
  r('close.cancels-readable', '#close-method', 'required',
    'After close() readable yields no more data: a read ends or rejects.'),
  r('close.aborts-writable', '#close-method', 'required',
    'After close() a write to writable rejects.'),
  r('close.reason-to-writable', '#close-method', 'required',
    'close(reason) aborts writable with reason: a write afterwards rejects with that reason.'),
  r('close.reason-to-readable', '#close-method', 'optional',
    'close(reason) passes reason to readable: a pending read rejects with that reason.',
    'a cancel reason is only visible to a reader when the implementation errors the stream with it; the draft says canceled'),
  r('close.rejects-pending-opened', '#close-method', 'required',
    'close(reason) while opened is pending rejects opened with that reason.'),
  r('close.after-closed-rejected', '#close-method', 'informational',
    'What close() returns after closed has already rejected.',
    'an open question (proposal issue 24); workerd resolves'),
  r('close.after-remote-close', '#close-method', 'informational',
    'What close() returns after the server has closed the connection.',
    'workerd issue 6479 shows closed rejecting with undefined here'),
  r('close.rejects-pending-opened-without-reason', '#close-method', 'required',
    'close() with no reason while opened is pending still rejects opened: it neither resolves nor stays pending.'),

  // ── startTls() ─────────────────────────────────────────────────────────────────────────────────
  r('starttls.returns-new-socket', '#starttls-method', 'required',
    'startTls() returns a new socket object, distinct from the original, with its own streams and promises.'),
  r('starttls.original-closed', '#starttls-method', 'required',
    'After startTls() the original socket\'s closed resolves.'),
  r('starttls.connection-kept', '#starttls-method', 'required',
    'startTls() keeps the same TCP connection: the server sees the upgrade on the connection it already had.'),
  r('starttls.tls-over-connection', '#starttls-method', 'required',
    'The new socket speaks TLS over that connection: its opened resolves after the handshake and data round-trips.'),
  r('starttls.old-writer-stops', '#starttls-method', 'required',
    'After startTls() a write through the original socket\'s writer rejects.'),
  r('starttls.old-reader-stops', '#starttls-method', 'required',
    'After startTls() the original socket\'s reader yields no more data.'),
  r('starttls.throws-on-tls-socket', '#starttls-method', 'required',
    'startTls() on a socket that already uses TLS throws a SocketError.'),
  r('starttls.throws-on-upgraded-socket', '#starttls-method', 'required',
    'startTls() on the socket returned by startTls() throws a SocketError.'),
  r('starttls.throws-when-off', '#starttls-method', 'required',
    'startTls() on a socket whose secureTransport is "off" (explicitly or by default) throws a SocketError.'),
  r('starttls.options-applied', '#starttls-method', 'optional',
    'The sni and alpn given to connect() are used in the handshake startTls() starts.',
    'whether they apply at connect() or at startTls() is an open question (proposal PR 18)'),
  r('starttls.second-call', '#starttls-method', 'informational',
    'What a second startTls() call on the original socket does.',
    'the draft does not say; the polyfill throws'),

  // ── SocketError ────────────────────────────────────────────────────────────────────────────────
  r('socketerror.is-typeerror', '#socket-error', 'required',
    'A SocketError is an instance of TypeError.'),
  r('socketerror.message-prefix', '#socket-error', 'optional',
    'A SocketError\'s message starts with "SocketError: ".',
    'the draft says the message should start so'),
  r('socketerror.name', '#socket-error', 'informational',
    'What name a SocketError carries (TypeError, SocketError, ...).',
    'the draft leaves the error\'s form open'),
  r('socketerror.refused-error', '#socket-error', 'informational',
    'Which error class and message a refused connection rejects with.',
    'implementations disagree (workerd rejects with a plain Error)'),
];

const byId = new Map(requirements.map((req) => [req.id, req]));

/** The catalogue entry with this id, or undefined. */
export function requirementById(id: string): Requirement | undefined {
  return byId.get(id);
}

/** The catalogue entries whose anchor is this heading id (with its leading `#`). */
export function requirementsForAnchor(anchor: string): Requirement[] {
  return requirements.filter((req) => req.anchor === anchor);
}
