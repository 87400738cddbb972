// #socketoptions-dictionary `on`: a TLS connection that trusts the default CAs and no others. The
// `tls-untrusted` fixture presents a sound certificate for the right names, issued by a second CA
// that no runtime is given (echo-server/README.md); an implementation that skips verification
// connects to it. Its negative twin, a trusted certificate that works, is the round trip in
// secure-transport.any.ts.
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import { closeAtEnd } from '../lib/fixture.ts';
import { assert_socket_error, connectionFailure, rejectionOf } from '../lib/errors.ts';
import { describeValue } from '../lib/observe.ts';

export const meta: FileMeta = {
  title: 'secureTransport "on" refuses a certificate from a CA the runtime does not trust',
  anchors: ['#socketoptions-dictionary'],
  level: 'required',
  subtests: {
    'with secureTransport "on", a certificate from an untrusted CA fails the connection': { covers: ['options.secure-transport-on-verifies'] },
    'an untrusted certificate rejects opened and closed with one and the same TypeError': {
      covers: ['options.secure-transport-on-untrusted-error', 'connect.failure-same-error', 'connect.failure-socketerror'],
      anchors: ['#socketoptions-dictionary', '#connect-section', '#socket-error'],
    },
  },
};

// sni "localhost" is a name the certificate covers, so only its issuer can fail the handshake.
export default function ({ connect, fixtures }: TestContext): void {
  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(fixtures.services['tls-untrusted'].ipv4, { secureTransport: 'on', sni: 'localhost' }));
    await connectionFailure(socket, 'a TLS connection to a server whose certificate comes from an untrusted CA');
  }, 'with secureTransport "on", a certificate from an untrusted CA fails the connection');

  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(fixtures.services['tls-untrusted'].ipv4, { secureTransport: 'on', sni: 'localhost' }));
    const openedError = await connectionFailure(socket, 'the TLS connection with an untrusted certificate');
    const closedError = await rejectionOf(socket.closed, 'closed after the untrusted certificate');
    assert_true(openedError === closedError,
      `one error object for both: opened got ${describeValue(openedError)}, closed got ${describeValue(closedError)}`);
    assert_socket_error(openedError, 'the untrusted certificate failed the connection with');
  }, 'an untrusted certificate rejects opened and closed with one and the same TypeError');
}
