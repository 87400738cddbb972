// The server side of a TLS handshake over an accepted TCP socket: used right after accept by the
// TLS services and after the `STARTTLS` line by the starttls service, recording what the client
// offered (SNI, ALPN) into the connection's report.

import type { Socket } from 'node:net';
import * as tls from 'node:tls';
import type { TlsMaterial } from './certificates.ts';
import type { Connection } from './registry.ts';

/** The TLS services' ALPN protocols, most preferred first. */
export const ALPN_PROTOCOLS: readonly string[] = ['fixture/1', 'http/1.1'];

/**
 * RFC 7301, section 3.2: the server picks the protocol it prefers most among those the client
 * offered; with no overlap it must fail the handshake with a no_application_protocol alert, which
 * node sends when this returns undefined. A client that sends no ALPN extension never gets here
 * and is served without ALPN.
 */
export function selectAlpn(offered: readonly string[]): string | undefined {
  return ALPN_PROTOCOLS.find((protocol) => offered.includes(protocol));
}

/** Server handshakes completed in this process: `npm run bench:cpu` multiplies them by what one
 * costs, to say how much of a run's CPU goes to TLS. */
export const tlsStats = { handshakes: 0 };

export function createServerContext(material: TlsMaterial): tls.SecureContext {
  return tls.createSecureContext({ key: material.privateKey, cert: material.certificate });
}

/**
 * Starts a server handshake on `raw` and calls `onSecure` with the TLS socket once it completes.
 * Bytes already read from `raw` but unshifted back into it are fed to the handshake first (node's
 * TLSSocket consumes the wrapped socket's buffer), which is how STARTTLS keeps pipelined bytes.
 */
export function serveTls(
  connection: Connection,
  raw: Socket,
  context: tls.SecureContext,
  onSecure: (socket: tls.TLSSocket) => void,
): tls.TLSSocket {
  const report = connection.report;
  const socket = new tls.TLSSocket(raw, {
    isServer: true,
    secureContext: context,
    // Called during the ClientHello, so SNI is on record even when the client later rejects the
    // certificate.
    SNICallback: (servername, callback) => {
      report.sni = servername;
      callback(null, context);
    },
    ALPNCallback: ({ servername, protocols }) => {
      report.sni = servername || report.sni;
      report.alpnOffered = [...protocols];
      return selectAlpn(protocols);
    },
  });
  connection.track(socket);
  // A client that gives up mid-handshake (e.g. it rejected the certificate) only sends its FIN;
  // half-open servers would otherwise keep that connection forever.
  socket.once('end', () => {
    if (!report.tls) socket.destroy();
  });
  socket.once('secure', () => {
    tlsStats.handshakes++;
    report.tls = true;
    report.sni = socket.servername || report.sni;
    report.alpn = socket.alpnProtocol || null;
    report.tlsProtocol = socket.getProtocol();
    onSecure(socket);
  });
  return socket;
}
