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
  | 'refused';

export const SERVICE_NAMES: readonly ServiceName[] = [
  'echo', 'tls-echo', 'starttls', 'tls-stall', 'greet-then-fin', 'greet-then-rst',
  'close-on-accept', 'silent', 'report', 'tls-report', 'control', 'refused',
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
  /** PEM of the CA that issued the TLS services' certificate; a runtime must trust it. */
  caCertificate: string;
  /** Server names the leaf certificate covers. */
  certificateNames: string[];
  /** ALPN protocols the TLS services offer, in the server's order of preference. */
  alpnProtocols: string[];
}
