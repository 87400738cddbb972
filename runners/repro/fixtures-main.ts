// The fixture server of a reproduction folder (runners/repro.ts bundles this into fixtures.mjs): starts
// every service on loopback with ephemeral ports and a fresh CA, prints the address map as one JSON
// line, and serves until SIGINT or SIGTERM. The same server the suite runs; echo-server/README.md
// documents each service's bytes.
import process from 'node:process';
import { startFixtures } from '../../echo-server/index.ts';

const fixtures = await startFixtures();
process.stdout.write(JSON.stringify(fixtures.addresses) + '\n');
const stop = () => { void fixtures.stop().then(() => process.exit(0)); };
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
