// The fixture server in a process of its own, for `npm run bench:cpu`: prints its address map as one
// JSON line, then answers each `stats` line on stdin with the CPU it used since that line was
// printed and the TLS handshakes it completed, so the bench can tell the server's CPU from the
// runner's. Ends when stdin closes.
import readline from 'node:readline';
import { startFixtures } from '../echo-server/index.ts';
import { tlsStats } from '../echo-server/tls-layer.ts';

const fixtures = await startFixtures();
const since = process.cpuUsage();
process.stdout.write(JSON.stringify(fixtures.addresses) + '\n');
for await (const line of readline.createInterface({ input: process.stdin })) {
  if (line.trim() !== 'stats') continue;
  const used = process.cpuUsage(since);
  process.stdout.write(JSON.stringify({ cpuMs: (used.user + used.system) / 1000, tlsHandshakes: tlsStats.handshakes }) + '\n');
}
await fixtures.stop();
process.exit(0);
