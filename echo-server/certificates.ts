// A throwaway CA and a server certificate it issued, made fresh at every start-up so no private key
// is ever committed and nothing is downloaded. ECDSA P-256 through node's WebCrypto takes milliseconds.

// @peculiar/x509 resolves its parts through tsyringe, which needs the Reflect metadata API loaded first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import * as net from 'node:net';

/** The names the server certificate covers, in the order the address map lists them. */
export const CERTIFICATE_NAMES: readonly string[] = ['localhost', 'fixture.test', '127.0.0.1', '::1'];

export interface TlsMaterial {
  /** PEM of the issuing CA: what a client must trust. */
  caCertificate: string;
  /** PEM of the server certificate. */
  certificate: string;
  /** PEM (PKCS #8) of the server certificate's private key. */
  privateKey: string;
}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
/** Backdated so a client whose clock is slightly behind still accepts the certificates. */
const BACKDATE_MS = 60 * 60 * 1000;
/** Long enough for any run; the certificates die with the process anyway. */
const LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

let providerSet = false;

function serialNumber(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0]! &= 0x7f; // a positive INTEGER in DER
  return Buffer.from(bytes).toString('hex');
}

function toPem(label: string, der: ArrayBuffer): string {
  const lines = Buffer.from(der).toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/**
 * A fresh CA and a server certificate it issued for CERTIFICATE_NAMES. Each call makes an unrelated
 * CA: the fixture server makes two, the one runtimes trust and one that no runtime is ever given
 * (`caLabel` tells them apart in a certificate viewer).
 */
export async function createTlsMaterial(caLabel = 'fixture CA'): Promise<TlsMaterial> {
  if (!providerSet) {
    x509.cryptoProvider.set(webcrypto as unknown as Crypto);
    providerSet = true;
  }
  const now = Date.now();
  const notBefore = new Date(now - BACKDATE_MS);
  const notAfter = new Date(now + LIFETIME_MS);
  // A random tag in the CA's name keeps the CAs of two concurrent runs apart in any trust store.
  const tag = Buffer.from(webcrypto.getRandomValues(new Uint8Array(4))).toString('hex');

  const caKeys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: `CN=sockets-conformance ${caLabel} ${tag}`,
    notBefore,
    notAfter,
    keys: caKeys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });

  const leafKeys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: 'CN=localhost',
    issuer: ca.subject,
    notBefore,
    notAfter,
    publicKey: leafKeys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(
        CERTIFICATE_NAMES.map((name): x509.JsonGeneralName => ({ type: net.isIP(name) ? 'ip' : 'dns', value: name })),
      ),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
      await x509.SubjectKeyIdentifierExtension.create(leafKeys.publicKey),
    ],
  });

  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', leafKeys.privateKey);
  return {
    caCertificate: ca.toString('pem') + '\n',
    certificate: leaf.toString('pem') + '\n',
    privateKey: toPem('PRIVATE KEY', pkcs8),
  };
}
