// The shape of the API under test, as the draft's IDL describes it (#socket-class, #connect-section).
// Types only: tests and fixtures/ implementations agree on these; no runtime module is imported.

export interface SocketAddress {
  hostname: string;
  port: number;
}

export type AnySocketAddress = string | SocketAddress;

export type SecureTransportKind = 'off' | 'on' | 'starttls';

export interface SocketOptions {
  secureTransport?: SecureTransportKind;
  allowHalfOpen?: boolean;
  sni?: string | null;
  alpn?: string[];
}

export interface SocketInfo {
  remoteAddress?: string | null;
  localAddress?: string | null;
  alpn?: string | null;
}

export interface Socket {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  readonly opened: Promise<SocketInfo>;
  readonly closed: Promise<void>;
  /** #upgraded-attribute: true once startTls() was called on this socket. */
  readonly upgraded: boolean;
  close(reason?: unknown): Promise<void>;
  startTls(): Socket;
}

export type Connect = (address: AnySocketAddress, options?: SocketOptions) => Socket;
