import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import * as tls from 'node:tls';
import { startFixtures, type Fixtures } from './index.ts';
import { Reader, connectTcp, connectTls, control, endpoint, greetingId } from './test-support.ts';

let fixtures: Fixtures;
before(async () => { fixtures = await startFixtures(); });
after(() => fixtures.stop());

const trusted = () => ({ ca: fixtures.addresses.caCertificate });

async function roundTrip(socket: Socket, text: string): Promise<string> {
  const reader = new Reader(socket);
  socket.write(text);
  return (await reader.bytes(Buffer.byteLength(text))).toString();
}

describe('tls-echo', () => {
  for (const [label, target, servername] of [
    ['localhost', 'ipv4', 'localhost'],
    ['fixture.test', 'ipv4', 'fixture.test'],
    ['the IP 127.0.0.1', 'ipv4', undefined],
    ['the IP ::1', 'ipv6', undefined],
  ] as const) {
    test(`verifies against the generated CA as ${label}`, async (t) => {
      if (!fixtures.addresses.services['tls-echo'][target]) return t.skip('no IPv6 loopback on this machine');
      const socket = await connectTls(endpoint(fixtures.addresses, 'tls-echo', target), { ...trusted(), servername });
      assert.equal(socket.authorized, true);
      assert.equal(await roundTrip(socket, 'secure hello'), 'secure hello');
      socket.destroy();
    });
  }

  test('the address map lists the names the certificate covers', () => {
    assert.deepEqual(fixtures.addresses.certificateNames, ['localhost', 'fixture.test', '127.0.0.1', '::1']);
    assert.match(fixtures.addresses.caCertificate, /^-----BEGIN CERTIFICATE-----\n/);
  });

  test('fails verification without the CA', async () => {
    await assert.rejects(
      connectTls(endpoint(fixtures.addresses, 'tls-echo'), { servername: 'localhost' }),
      (error: NodeJS.ErrnoException) => /ISSUER|SELF_SIGNED|VERIFY/.test(error.code ?? ''),
    );
  });

  test('fails verification for a name the certificate does not cover', async () => {
    await assert.rejects(
      connectTls(endpoint(fixtures.addresses, 'tls-echo'), { ...trusted(), servername: 'example.com' }),
      (error: NodeJS.ErrnoException) => error.code === 'ERR_TLS_CERT_ALTNAME_INVALID',
    );
  });

  test('echoes 4 MiB over TLS and ends after the client does', async () => {
    const socket = await connectTls(endpoint(fixtures.addresses, 'tls-echo'), { ...trusted(), servername: 'localhost' });
    const reader = new Reader(socket);
    const payload = randomBytes(4 * 1024 * 1024);
    socket.end(payload);
    assert.ok((await reader.rest()).equals(payload));
    socket.destroy();
  });
});

describe('ALPN and SNI (tls-report)', () => {
  async function reportFor(options: tls.ConnectionOptions) {
    const socket = await connectTls(endpoint(fixtures.addresses, 'tls-report'), { ...trusted(), ...options });
    const reader = new Reader(socket);
    const report = await reader.json();
    return { socket, reader, report };
  }

  test('the server list is fixture/1 then http/1.1', () => {
    assert.deepEqual(fixtures.addresses.alpnProtocols, ['fixture/1', 'http/1.1']);
  });

  test("selects the server's preferred protocol among those offered", async () => {
    const { socket, report } = await reportFor({ servername: 'localhost', ALPNProtocols: ['http/1.1', 'fixture/1'] });
    assert.equal(socket.alpnProtocol, 'fixture/1');
    assert.equal(report.alpn, 'fixture/1');
    assert.deepEqual(report.alpnOffered, ['http/1.1', 'fixture/1']);
    socket.destroy();
  });

  test('selects the only common protocol', async () => {
    const { socket, report } = await reportFor({ servername: 'localhost', ALPNProtocols: ['h2', 'http/1.1'] });
    assert.equal(socket.alpnProtocol, 'http/1.1');
    assert.equal(report.alpn, 'http/1.1');
    socket.destroy();
  });

  test('fails the handshake when no offered protocol is supported', async () => {
    await assert.rejects(
      connectTls(endpoint(fixtures.addresses, 'tls-echo'), { ...trusted(), servername: 'localhost', ALPNProtocols: ['h2'] }),
      (error: NodeJS.ErrnoException) => /NO_APPLICATION_PROTOCOL/.test(error.code ?? ''),
    );
  });

  test('records no ALPN when none is offered, and the SNI name sent', async () => {
    const { socket, report } = await reportFor({ servername: 'fixture.test' });
    assert.equal(socket.alpnProtocol, false);
    assert.equal(report.alpnOffered, null);
    assert.equal(report.alpn, null);
    assert.equal(report.sni, 'fixture.test');
    socket.destroy();
  });

  test('records SNI and offered ALPN even when the client rejects the certificate', async () => {
    // Ids are handed out in accept order, and nothing else connects meanwhile in this file.
    const plain = await connectTcp(endpoint(fixtures.addresses, 'report'));
    const { id } = await new Reader(plain).json();
    plain.destroy();
    await assert.rejects(connectTls(endpoint(fixtures.addresses, 'tls-report'), { servername: 'fixture.test', ALPNProtocols: ['fixture/1'] }));
    const failedId = `c${Number(id.slice(1)) + 1}`;
    const report = await control(fixtures.addresses, `WAIT-CLOSED ${failedId} 2000`);
    assert.equal(report.service, 'tls-report');
    assert.equal(report.sni, 'fixture.test');
    assert.deepEqual(report.alpnOffered, ['fixture/1']);
    assert.equal(report.tls, false, 'the handshake never completed');
    assert.equal(report.closed, true);
  });

  test('records no SNI when the client connects by IP', async () => {
    const { socket, report } = await reportFor({});
    assert.equal(report.sni, null);
    socket.destroy();
  });

  test('the report line describes the TLS connection, then the service echoes', async () => {
    const target = endpoint(fixtures.addresses, 'tls-report');
    const { socket, reader, report } = await reportFor({ servername: 'localhost', ALPNProtocols: ['fixture/1'] });
    assert.match(report.id, /^c\d+$/);
    assert.equal(report.service, 'tls-report');
    assert.equal(report.tls, true);
    assert.equal(report.tlsProtocol, socket.getProtocol());
    assert.equal(report.family, 'IPv4');
    assert.equal(report.remotePort, socket.localPort);
    assert.equal(report.localPort, target.port);
    assert.equal(report.sni, 'localhost');
    socket.write('after report\n');
    assert.equal(await reader.line(), 'after report\n');
    socket.destroy();
  });
});

/** A duplex over `raw` that drops the first `skip` bytes the server sends (its plain `GO\r\n`), so a
 * TLS client can be started on it before the answer has arrived. */
function afterPlainAnswer(raw: Socket, skip: number): { stream: Duplex; answer: Promise<string> } {
  let pending = Buffer.alloc(0);
  let resolveAnswer: (text: string) => void = () => {};
  const answer = new Promise<string>((resolve) => { resolveAnswer = resolve; });
  const stream = new Duplex({
    write(chunk, _encoding, callback) { raw.write(chunk, callback); },
    final(callback) { raw.end(callback); },
    read() { raw.resume(); },
    destroy(error, callback) { raw.destroy(); callback(error); },
  });
  raw.on('data', (chunk: Buffer) => {
    if (pending.length < skip) {
      pending = Buffer.concat([pending, chunk]);
      if (pending.length < skip) return;
      resolveAnswer(pending.subarray(0, skip).toString('latin1'));
      chunk = pending.subarray(skip);
      if (chunk.length === 0) return;
    }
    if (!stream.push(chunk)) raw.pause();
  });
  raw.on('end', () => stream.push(null));
  raw.on('error', (error) => stream.destroy(error));
  return { stream, answer };
}

describe('starttls', () => {
  test('echoes plain lines as received, upgrades on STARTTLS, then echoes over TLS', async () => {
    const raw = await connectTcp(endpoint(fixtures.addresses, 'starttls'));
    const reader = new Reader(raw);
    const id = greetingId(await reader.line());
    raw.write('hello\r\n');
    assert.equal(await reader.line(), 'hello\r\n');
    raw.write('par');
    raw.write('tial\n');
    assert.equal(await reader.line(), 'partial\n', 'a line split over two writes comes back whole, LF kept');
    raw.write('STARTTLS\r\n');
    assert.equal(await reader.line(), 'GO\r\n');
    raw.removeAllListeners('data');

    const secure = await new Promise<tls.TLSSocket>((resolve, reject) => {
      const socket = tls.connect({ socket: raw, ...trusted(), servername: 'localhost', ALPNProtocols: ['fixture/1'] }, () => resolve(socket));
      socket.once('error', reject);
    });
    assert.equal(secure.authorized, true);
    assert.equal(await roundTrip(secure, 'inside tls'), 'inside tls');
    const report = await control(fixtures.addresses, `QUERY ${id}`);
    assert.equal(report.service, 'starttls');
    assert.equal(report.tls, true);
    assert.equal(report.sni, 'localhost');
    assert.equal(report.alpn, 'fixture/1');
    secure.destroy();
  });

  test('keeps bytes pipelined after STARTTLS for the handshake', async () => {
    const raw = await connectTcp(endpoint(fixtures.addresses, 'starttls'));
    const greeting = await new Promise<string>((resolve) => raw.once('data', (chunk: Buffer) => resolve(chunk.toString('latin1'))));
    const id = greetingId(greeting);
    const { stream, answer } = afterPlainAnswer(raw, 'GO\r\n'.length);
    // Corked, the command and the ClientHello leave in one write, so the server reads them together.
    raw.cork();
    raw.write('STARTTLS\r\n');
    const secure = tls.connect({ socket: stream as unknown as Socket, ...trusted(), servername: 'fixture.test' });
    process.nextTick(() => raw.uncork());
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
    assert.equal(await answer, 'GO\r\n');
    assert.equal(await roundTrip(secure, 'pipelined'), 'pipelined');
    const report = await control(fixtures.addresses, `QUERY ${id}`);
    assert.equal(report.tls, true);
    assert.equal(report.sni, 'fixture.test');
    assert.equal(report.bytesIn, 'STARTTLS\r\n'.length + 'pipelined'.length, 'handshake bytes are not echo input');
    secure.destroy();
  });

  test('a FIN in the plain phase ends the connection after the echo', async () => {
    const raw = await connectTcp(endpoint(fixtures.addresses, 'starttls'));
    const reader = new Reader(raw);
    greetingId(await reader.line());
    raw.end('line\nno terminator');
    assert.equal((await reader.rest()).toString(), 'line\nno terminator');
    raw.destroy();
  });
});

describe('tls-stall', () => {
  test('accepts TCP but a TLS handshake never completes', async () => {
    const socket = tls.connect({ ...endpoint(fixtures.addresses, 'tls-stall'), host: '127.0.0.1', ...trusted(), servername: 'localhost' });
    // Proving an absence needs a bound; on loopback a handshake completes in a few milliseconds.
    const outcome = await new Promise<string>((resolve) => {
      const timer = setTimeout(() => resolve('pending'), 300);
      socket.once('secureConnect', () => { clearTimeout(timer); resolve('completed'); });
      socket.once('error', (error) => { clearTimeout(timer); resolve(`failed: ${error.message}`); });
    });
    assert.equal(outcome, 'pending');
    assert.equal(socket.bytesRead, 0, 'the server sent nothing');
    socket.destroy();
  });
});

describe('the untrusted CA (tls-untrusted, starttls-untrusted)', () => {
  test('the second CA is not the one in the address map', () => {
    assert.match(fixtures.untrustedCaCertificate, /^-----BEGIN CERTIFICATE-----\n/);
    assert.notEqual(fixtures.untrustedCaCertificate, fixtures.addresses.caCertificate);
    assert.ok(!JSON.stringify(fixtures.addresses).includes(fixtures.untrustedCaCertificate.split('\n')[1]!), 'no runtime is handed it');
  });

  test('tls-untrusted fails verification against the fixture CA', async () => {
    await assert.rejects(
      connectTls(endpoint(fixtures.addresses, 'tls-untrusted'), { ...trusted(), servername: 'localhost' }),
      (error: NodeJS.ErrnoException) => /ISSUER|SELF_SIGNED|VERIFY/.test(error.code ?? ''),
    );
  });

  test('tls-untrusted verifies against the second CA and echoes: only trust is missing', async () => {
    const socket = await connectTls(endpoint(fixtures.addresses, 'tls-untrusted'), { ca: fixtures.untrustedCaCertificate, servername: 'localhost' });
    assert.equal(socket.authorized, true);
    assert.equal(await roundTrip(socket, 'untrusted hello'), 'untrusted hello');
    socket.destroy();
  });

  for (const [label, ca, outcome] of [
    ['fails verification against the fixture CA', () => fixtures.addresses.caCertificate, 'rejected'],
    ['verifies against the second CA', () => fixtures.untrustedCaCertificate, 'secure'],
  ] as const) {
    test(`starttls-untrusted: the plain phase works, and the upgrade ${label}`, async () => {
      const raw = await connectTcp(endpoint(fixtures.addresses, 'starttls-untrusted'));
      const reader = new Reader(raw);
      const id = greetingId(await reader.line());
      raw.write('plain\n');
      assert.equal(await reader.line(), 'plain\n');
      raw.write('STARTTLS\r\n');
      assert.equal(await reader.line(), 'GO\r\n');
      raw.removeAllListeners('data');
      const result = await new Promise<string>((resolve) => {
        const socket = tls.connect({ socket: raw, ca: ca(), servername: 'localhost' }, () => {
          socket.destroy();
          resolve('secure');
        });
        socket.once('error', (error: NodeJS.ErrnoException) => resolve(/ISSUER|SELF_SIGNED|VERIFY/.test(error.code ?? '') ? 'rejected' : `other: ${error.code}`));
      });
      assert.equal(result, outcome);
      const report = await control(fixtures.addresses, `QUERY ${id}`);
      assert.equal(report.service, 'starttls-untrusted');
      assert.equal(report.sni, 'localhost', 'the ClientHello reached the server');
    });
  }
});

describe('starttls-stall', () => {
  test('answers GO, then never completes a handshake; the client FIN is answered with a FIN', async () => {
    const raw = await connectTcp(endpoint(fixtures.addresses, 'starttls-stall'));
    const reader = new Reader(raw);
    const id = greetingId(await reader.line());
    raw.write('plain\r\n');
    assert.equal(await reader.line(), 'plain\r\n', 'the plain phase echoes like starttls');
    raw.write('STARTTLS\r\n');
    assert.equal(await reader.line(), 'GO\r\n');
    raw.removeAllListeners('data');
    const before = raw.bytesRead;
    const socket = tls.connect({ socket: raw, ...trusted(), servername: 'localhost' });
    // Proving an absence needs a bound; on loopback a handshake completes in a few milliseconds.
    const outcome = await new Promise<string>((resolve) => {
      const timer = setTimeout(() => resolve('pending'), 300);
      socket.once('secureConnect', () => { clearTimeout(timer); resolve('completed'); });
      socket.once('error', (error) => { clearTimeout(timer); resolve(`failed: ${error.message}`); });
    });
    assert.equal(outcome, 'pending');
    assert.equal(raw.bytesRead, before, 'the server sent nothing after GO');
    const report = await control(fixtures.addresses, `QUERY ${id}`);
    assert.equal(report.tls, false);
    assert.equal(report.closed, false);
    raw.end();
    const closed = await control(fixtures.addresses, `WAIT-CLOSED ${id} 2000`);
    assert.equal(closed.clientEnded, true);
    assert.equal(closed.closed, true, 'the server closed once the client ended');
    socket.destroy();
  });
});

describe('starttls-pipelined', () => {
  test('counts and hashes the plain bytes up to the first 0x16, then serves TLS and reports them first', async () => {
    const raw = await connectTcp(endpoint(fixtures.addresses, 'starttls-pipelined'));
    const plain = Buffer.from('one\ntwo\nthree\n'.repeat(100));
    raw.write(plain);
    // The ClientHello follows at once, in the same stream: no command, no answer to wait for.
    const socket = tls.connect({ socket: raw, ...trusted(), servername: 'localhost' });
    await new Promise<void>((resolve, reject) => { socket.once('secureConnect', () => resolve()); socket.once('error', reject); });
    const reader = new Reader(socket);
    const sha = createHash('sha256').update(plain).digest('hex');
    assert.equal(await reader.line(), `PLAIN ${plain.length} ${sha}\n`);
    socket.write('echo me\n');
    assert.equal(await reader.line(), 'echo me\n', 'then echo over TLS');
    socket.destroy();
  });
});
