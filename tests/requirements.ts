// The requirements catalogue: every testable statement of the Sockets API draft, in this project's
// own words. Test files name the ids they check in their `meta.subtests[*].covers`; coverage and the
// reporters read this list, so a user never needs the draft itself.
//
// Levels: `required` where the draft states the behaviour (must / shall / is, the IDL, or the numbered
// connect() steps); `optional` where it says should / may or leaves the point open; `informational`
// where behaviour is worth showing but the draft gives nothing to judge it by; `tentative` for the
// behaviour of an open proposal that is not in the draft yet (each such entry names its proposal).
// The level follows the draft's words, never what implementations happen to do. Ids are stable: add
// entries, never rename or reuse one. Retired ids (never to be reused):
//   connect.failure-streams-carry-error: split into connect.failure-writable-carries-error (required)
//     and connect.failure-readable-carries-error (informational), whose wording differs in strength.

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
  /** Tentative entries only: the open proposal (pull request or issue) the behaviour comes from. */
  proposal?: string;
}

/** The heading ids of the draft (index.bs), in document order. */
export const SPEC_ANCHORS: readonly string[] = [
  '#intro', '#concepts', '#socket-concept-section', '#connect-concept-section', '#binding-object-concept',
  '#socket-section', '#using-a-socket', '#socket-class', '#attributes', '#readable-attribute',
  '#writable-attribute', '#opened-attribute', '#closed-attribute', '#upgraded-attribute', '#methods', '#close-method',
  '#starttls-method', '#socket-error', '#connect-section', '#socketoptions-dictionary',
  '#socketinfo-dictionary', '#anysocketaddress-type',
];

const r = (id: string, anchor: string, level: Level, statement: string, rationale?: string): Requirement =>
  rationale === undefined ? { id, anchor, level, statement } : { id, anchor, level, statement, rationale };

const PROPOSALS = 'https://github.com/WinterTC55/proposal-sockets-api';
/** A tentative entry: behaviour an open proposal asks for, cited by its pull request or issue. */
const tentative = (id: string, anchor: string, statement: string, proposal: string, rationale: string): Requirement =>
  ({ id, anchor, level: 'tentative', statement, rationale, proposal: `${PROPOSALS}/${proposal}` });

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
  r('connect.failure-socketerror', '#connect-section', 'required',
    'The error a failed connection rejects with is a SocketError (an instance of TypeError).',
    'step 7 of connect() says the error is a new SocketError'),
  r('connect.failure-cancels-readable', '#connect-section', 'required',
    'After a failed connection the readable yields no data: a read ends or rejects.'),
  r('connect.failure-aborts-writable', '#connect-section', 'required',
    'After a failed connection a write to the writable rejects.'),
  r('connect.failure-writable-carries-error', '#connect-section', 'required',
    'After a failed connection, a write to the writable rejects with the same error that rejected opened.',
    'step 7 aborts the writable with the error, and an aborted stream reports its abort reason to writers'),
  r('connect.failure-readable-carries-error', '#connect-section', 'informational',
    'Whether, after a failed connection, a read from the readable rejects with the error that rejected opened.',
    'step 7 cancels the readable with the error; a cancelled stream\'s reads report done, so the reason is not visible to a reader unless the implementation errors the stream instead'),
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
    'secureTransport "on" against a server that does not speak TLS fails the connection: opened rejects (it neither resolves nor hangs).'),
  r('options.secure-transport-on-verifies', '#socketoptions-dictionary', 'required',
    'secureTransport "on" to a server whose certificate was issued by a CA the runtime does not trust fails the connection.',
    'the draft says "on" uses the default CAs: a certificate from any other CA is not accepted'),
  r('options.secure-transport-on-untrusted-error', '#socketoptions-dictionary', 'required',
    'When an untrusted certificate fails a secureTransport "on" connection, opened and closed reject with one and the same TypeError.',
    'a failed handshake is a failed connection: step 7 of connect() rejects both promises with one new SocketError'),
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
  r('options.allow-half-open-default-false', '#socketoptions-dictionary', 'required',
    'Without an allowHalfOpen option the socket behaves as with false: after the peer\'s FIN, writes fail.',
    'the IDL gives allowHalfOpen the default false'),

  // ── SocketInfo ─────────────────────────────────────────────────────────────────────────────────
  r('info.members', '#socketinfo-dictionary', 'required',
    'The SocketInfo has remoteAddress, localAddress and alpn members, each a string or null.',
    'dictionary members with a default (null in the IDL) are always present'),
  r('info.remote-address-provided', '#socketinfo-dictionary', 'required',
    'remoteAddress is a non-null string naming the peer.',
    'the member text says it provides the peer, as firmly as the alpn member says it returns the agreed protocol; only localAddress is "optionally" provided'),
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
  r('address.dictionary-ipv6', '#anysocketaddress-type', 'optional',
    'A { hostname, port } dictionary with an IPv6 literal (no brackets) connects over IPv6.',
    'the draft says nothing of IPv6, in either address form'),
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
  r('socket.is-interface-instance', '#socket-class', 'required',
    'A socket is an instance of an interface: its prototype is not Object.prototype.',
    'the IDL declares Socket an interface; a plain object literal with the same members is not one'),
  r('socket.attributes-are-accessors', '#socket-class', 'required',
    'Each attribute (readable, writable, opened, closed, upgraded) is an accessor on the socket\'s prototype chain with a getter and no setter.',
    'Web IDL turns every readonly attribute into such an accessor on the interface prototype'),
  r('socket.method-lengths', '#socket-class', 'required',
    'close and startTls are functions whose length is 0.',
    'Web IDL counts only required arguments, and both methods have none'),
  r('socket.close-never-throws', '#socket-class', 'required',
    'close() returns a promise and never throws synchronously, whatever state the socket is in.',
    'Web IDL turns an exception in a promise-returning operation into a rejected promise'),
  r('connect.requires-address', '#connect-section', 'required',
    'connect() with no argument throws a TypeError.',
    'the address argument is not optional in the IDL'),
  r('options.must-be-dictionary', '#socketoptions-dictionary', 'required',
    'An options value that is neither an object nor undefined or null makes connect() throw a TypeError.',
    'Web IDL converts the argument to a dictionary, which a primitive is not'),
  r('options.secure-transport-case-sensitive', '#socketoptions-dictionary', 'required',
    'secureTransport values are matched exactly: "ON" makes connect() throw a TypeError.',
    'Web IDL enum values are compared exactly'),
  r('options.alpn-string-rejected', '#socketoptions-dictionary', 'required',
    'An alpn given as a plain string, not a sequence, makes connect() throw a TypeError.',
    'Web IDL converts a sequence from an iterable object; a string is a primitive, not an object'),
  r('options.allow-half-open-boolean-conversion', '#socketoptions-dictionary', 'required',
    'allowHalfOpen is converted like a Web IDL boolean: a truthy non-boolean value acts as true.',
    'Web IDL converts a boolean member with ToBoolean'),
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
  r('closed.fulfils-undefined', '#closed-attribute', 'required',
    'When closed fulfils, its value is undefined.',
    'the IDL type is Promise<undefined>'),
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

  // ── upgraded ───────────────────────────────────────────────────────────────────────────────────
  r('upgraded.false-initially', '#upgraded-attribute', 'required',
    'upgraded is false on a socket connect() returns, whatever its secureTransport.'),
  r('upgraded.false-after-opened', '#upgraded-attribute', 'required',
    'upgraded is still false once opened has resolved, while startTls() has not been called.'),
  r('upgraded.true-after-starttls', '#upgraded-attribute', 'required',
    'Once startTls() has been called, the original socket\'s upgraded is true, and it is true by the time that socket\'s closed resolves.'),
  r('upgraded.false-on-new-socket', '#upgraded-attribute', 'required',
    'upgraded is false on the socket startTls() returns.',
    'that socket was made secure, not upgraded: the draft sets the flag on the original socket only'),
  r('upgraded.is-readonly-boolean', '#upgraded-attribute', 'required',
    'upgraded is a boolean, and assigning to it does not change it.',
    'the IDL declares it a readonly boolean attribute'),

  // ── close() ────────────────────────────────────────────────────────────────────────────────────
  r('close.fulfils-undefined', '#close-method', 'required',
    'The promise close() returns fulfils with undefined.',
    'the IDL return type is Promise<undefined>'),
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
  r('close.reason-to-readable', '#close-method', 'informational',
    'Whether close(reason) makes a pending read reject with that reason.',
    'the draft says the readable is canceled with the reason, and a cancelled stream\'s pending read reports done: the reason is not visible to a reader'),
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
  r('starttls.options-applied', '#starttls-method', 'required',
    'The sni and alpn given to connect() are used in the handshake startTls() starts.',
    'the draft allows sni and alpn with "starttls" and startTls() takes no arguments, so connect() is the only place they can come from'),
  r('starttls.verifies-certificate', '#starttls-method', 'required',
    'When the server presents a certificate from a CA the runtime does not trust after startTls(), the new socket\'s opened rejects.',
    'startTls() establishes a secure TLS connection, which a certificate nobody vouches for does not give'),
  r('starttls.opened-after-handshake', '#starttls-method', 'required',
    'The new socket\'s opened stays pending while the handshake startTls() started has not completed.',
    'opened of a secure socket marks the completion of its handshake (#opened-attribute)'),
  r('starttls.new-socket-info', '#starttls-method', 'required',
    'The new socket\'s opened resolves with a SocketInfo for the TLS connection: its members are there and alpn is the protocol agreed in the upgrade.'),
  r('starttls.sets-upgraded', '#starttls-method', 'required',
    'Calling startTls() sets the original socket\'s upgraded to true.'),
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

  // ── Open proposals (tentative: shown, never judged, never scored) ──────────────────────────────
  tentative('proposal.secure-transport-attribute-starttls', '#attributes',
    'A socket made with secureTransport "starttls" reports secureTransport "starttls".',
    'pull/32', 'PR 32 adds a readonly secureTransport attribute; workerd ships it'),
  tentative('proposal.secure-transport-attribute-upgraded', '#attributes',
    'The socket startTls() returns reports secureTransport "on".',
    'pull/32', 'PR 32 adds a readonly secureTransport attribute; workerd ships it'),
  tentative('proposal.connect-signal', '#connect-section',
    'An aborted AbortSignal given as the signal option closes the socket: opened rejects and no connection stays open.',
    'issues/34', 'issue 34 proposes a signal option for connect()'),
  tentative('proposal.close-after-closed-rejected', '#close-method',
    'close() after closed has rejected returns a promise that rejects with the same error, rather than fulfilling.',
    'issues/24', 'issue 24 asks what close() does once closed has rejected'),
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
