// For interop.test.ts: starts the PostgreSQL fixture, prints where it lives, then dies by SIGKILL,
// the one ending that runs no cleanup at all; with `wait`, it waits instead for the test to
// interrupt it (SIGINT to its whole process group, as Ctrl-C in a terminal does), with no handler.
import { createTlsMaterial } from '../../echo-server/certificates.ts';
import { startPostgres } from '../postgres.ts';

const running = await startPostgres(await createTlsMaterial());
const line = `${JSON.stringify({ directory: running.directory, port: running.fixture.port })}\n`;
if (process.argv[2] === 'wait') {
  process.stdout.write(line);
  setInterval(() => undefined, 60_000);
} else {
  process.stdout.write(line, () => process.kill(process.pid, 'SIGKILL'));
}
