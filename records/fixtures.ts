// The fixture address map: written by the fixture server (echo-server/), carried into every
// runtime by the runner, read by the tests. It is plain JSON so it crosses process boundaries as is.

/** The fixture services; echo-server/README.md documents the exact bytes each one sends. */
export type ServiceName =
  | 'echo'
  | 'tls-echo'
  | 'starttls'
  | 'tls-stall'
  | 'greet-then-fin'
  | 'greet-then-rst'
  | 'close-on-accept'
  | 'silent'
  | 'report'
  | 'tls-report'
  | 'control'
  | 'refused'
  | 'tls-untrusted'
  | 'starttls-untrusted'
  | 'starttls-stall'
  | 'starttls-pipelined';

export const SERVICE_NAMES: readonly ServiceName[] = [
  'echo', 'tls-echo', 'starttls', 'tls-stall', 'greet-then-fin', 'greet-then-rst',
  'close-on-accept', 'silent', 'report', 'tls-report', 'control', 'refused',
  // Added later, after `refused`, so that the base-port offsets of the services above never move.
  'tls-untrusted', 'starttls-untrusted', 'starttls-stall', 'starttls-pipelined',
];

export interface Endpoint {
  /** A literal address: `127.0.0.1` or `::1` (no brackets). */
  hostname: string;
  port: number;
}

/** Where one service listens. Both families use the same port where the machine allows it,
 * so `localhost:<port>` reaches the service whichever family the name resolves to. */
export interface ServiceEndpoints {
  ipv4: Endpoint;
  /** Null when the machine has no IPv6 loopback. */
  ipv6: Endpoint | null;
}

export interface FixtureAddresses {
  version: 1;
  services: Record<ServiceName, ServiceEndpoints>;
  /** PEM of the CA that issued the TLS services' certificate; a runtime must trust it. (The
   * `tls-untrusted` and `starttls-untrusted` services present a certificate from a second CA that
   * is not in this map: no runtime is ever given it, so their handshakes must fail verification.) */
  caCertificate: string;
  /** Server names the leaf certificate covers. */
  certificateNames: string[];
  /** ALPN protocols the TLS services offer, in the server's order of preference. */
  alpnProtocols: string[];
  /** The interop tier's real servers (interop/), present when the run includes that tier. */
  interop?: InteropAddresses;
  /** Two `report` listeners that each listen on one loopback family only, on a port that was free on
   * the other family, for tests of what `localhost` reaches (echo-server/README.md, "Single-family
   * listeners"). Absent in address maps written before they existed. */
  singleFamily?: { ipv4Only: Endpoint; ipv6Only: Endpoint | null };
}

/** A throwaway PostgreSQL cluster on loopback, made for one run. */
export interface PostgresFixture {
  hostname: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

/** smtp-server instances on loopback: both demand TLS before MAIL FROM; one offers STARTTLS, the
 * other never does. What a message looked like on arrival is asked of `mailbox` with a line
 * protocol: send `<token>\n`, read one JSON line (ReceivedMail) once a message whose subject
 * contains the token has arrived (or `{"error": ...}` after a few seconds without one). */
export interface SmtpFixture {
  starttls: Endpoint;
  refusesStarttls: Endpoint;
  mailbox: Endpoint;
}

export interface InteropAddresses {
  /** PEM of the CA that issued the interop servers' certificate; a runtime must trust it. */
  caCertificate: string;
  /** Null when PostgreSQL is not installed here; `postgresUnavailable` then says how to install it. */
  postgres: PostgresFixture | null;
  postgresUnavailable?: string;
  smtp: SmtpFixture;
}

/** A message as the SMTP fixture received it, parsed on the host side with mailparser. */
export interface ReceivedMail {
  /** Whether the session was under TLS when the message was accepted, and which version. */
  secure: boolean;
  tlsProtocol: string | null;
  envelopeFrom: string;
  envelopeTo: string[];
  subject: string;
  from: string;
  to: string;
  text: string;
  /** Each attachment's file name, size in bytes and SHA-256 (hex) of its decoded content. */
  attachments: { filename: string; size: number; sha256: string }[];
  /** Size of the message as received (the DATA payload). */
  rawSize: number;
}

/** What the fixture server knows about one accepted connection: the `report` and `tls-report`
 * services send it as their first line, and the `control` service answers it for an id
 * (echo-server/README.md). Counters and flags are as of the moment the JSON was written. */
export interface ConnectionReport {
  /** Server-assigned, unique within one fixture server (e.g. `c17`); greetings carry it too. */
  id: string;
  service: ServiceName;
  family: 'IPv4' | 'IPv6';
  /** The client's address and port as the server saw them. */
  remoteAddress: string;
  remotePort: number;
  localPort: number;
  /** True once a TLS handshake has completed on this connection. */
  tls: boolean;
  /** The SNI name the client sent, or null when it sent none. */
  sni: string | null;
  /** The ALPN protocols the client offered, in its order, or null when it sent no ALPN extension. */
  alpnOffered: string[] | null;
  /** The ALPN protocol the server selected, or null. */
  alpn: string | null;
  /** E.g. `TLSv1.3`, or null without TLS. */
  tlsProtocol: string | null;
  /** Application bytes received (after TLS decryption; handshakes not counted). */
  bytesIn: number;
  /** Application bytes the server has written (queued for sending). */
  bytesOut: number;
  /** The client ended its side (FIN, or end of the TLS stream). */
  clientEnded: boolean;
  /** The connection was reset by the client (ECONNRESET). */
  clientReset: boolean;
  /** The server side of the connection is fully closed. */
  closed: boolean;
  /** Base64 of the bytes received after the server sent its FIN (the first 1 MiB of them). */
  receivedAfterFin: string;
  /** How many bytes arrived after the server's FIN, including any beyond the stored 1 MiB. */
  receivedAfterFinBytes: number;
}
