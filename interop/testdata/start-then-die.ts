// For interop.test.ts: starts the PostgreSQL fixture, prints where it lives, then dies by SIGKILL,
// the one ending that runs no cleanup at all.
import { createTlsMaterial } from '../../echo-server/certificates.ts';
import { startPostgres } from '../postgres.ts';

const running = await startPostgres(await createTlsMaterial());
process.stdout.write(`${JSON.stringify({ directory: running.directory, port: running.fixture.port })}\n`, () => process.kill(process.pid, 'SIGKILL'));
