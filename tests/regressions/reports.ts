// The upstream bug reports the regression tier reproduces, each read in its own tracker: the one place
// their numbers, links and one-line summaries (in this project's words) are written down.
import type { UpstreamReport } from '../../records/result.ts';

const report = (repository: string, kind: 'issues' | 'pull', number: number, title: string): UpstreamReport =>
  ({ repository, number, url: `https://github.com/${repository}/${kind}/${number}`, title });

export const REPORTS = {
  closedAfterFin: report('cloudflare/workerd', 'issues', 6479,
    'closed rejects with undefined when close() follows the server\'s FIN (allowHalfOpen false)'),
  undefinedReason: report('cloudflare/workerd', 'issues', 6439,
    'closed rejects with an undefined reason'),
  halfOpenPending: report('cloudflare/workerd', 'issues', 5653,
    'with allowHalfOpen true, closed stays pending after both directions have closed'),
  refusedSilent: report('cloudflare/workerd', 'issues', 1305,
    'writes and close() on a refused connection resolve, and the error never surfaces'),
  closeTakes21s: report('cloudflare/workerd', 'issues', 2060,
    'close() on a socket whose connection never completed takes about 21 s'),
  closeDuringPipe: report('cloudflare/workerd', 'pull', 7313,
    'close() while a pipe into the writable is closing it leaked an uncaught rejection'),
  mailerCloseHangs: report('zou-yu/worker-mailer', 'issues', 28,
    'close() never settles on the socket startTls() returned, after an SMTP STARTTLS'),
  startTlsFlush: report('cloudflare/workerd', 'pull', 572,
    'bytes written before startTls() must be flushed before the handshake'),
  largeWrite: report('brianc/node-postgres', 'issues', 3757,
    'a single write of about 124 KB kills the connection'),
  ipv4Dictionary: report('cloudflare/workerd', 'issues', 2232,
    'connect({ hostname: "1.1.1.1", port }) throws "Invalid URL"'),
  ipv4DictionarySdk: report('cloudflare/workers-sdk', 'issues', 5986,
    'the same "Invalid URL" for an IPv4 literal, reported against wrangler'),
  localhostFamily: report('cloudflare/workers-sdk', 'issues', 12910,
    'localhost resolves to a different loopback family than the one the server listens on'),
  postgresUntrustedTls: report('porsager/postgres', 'issues', 1213,
    'a failed TLS handshake after startTls() (untrusted CA) surfaces as a timeout, not an error'),
  startTlsCloseSignal: report('lobu-ai/lobu', 'pull', 3367,
    'postgres.js waits for the original socket\'s closed after startTls(); a connect() that never resolves it hangs the driver'),
  smtpStartTls: report('cloudflare/workerd', 'issues', 2712,
    'startTls() cannot be made to work for SMTP submission on port 587'),
  pgEndHangs: report('prisma/prisma-next', 'issues', 1029,
    'a graceful close of a pg client over connect() never fires its close event'),
  pgEndUnconnected: report('brianc/node-postgres', 'issues', 3152,
    'Client.end() hangs when the connect() socket never connected'),
} as const;
