// Standalone fixture server: prints the address map as one JSON line on stdout and serves until
// SIGINT or SIGTERM. Exit codes: 0 after a clean stop, 2 for bad flags or a port in use.

import { parseArgs } from 'node:util';
import { PortInUseError, startFixtures, type FixtureOptions } from './index.ts';

const USAGE = 'usage: tsx echo-server/main.ts [--base-port N] [--no-ipv6]';

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

function parseOptions(): FixtureOptions {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        'base-port': { type: 'string' },
        'no-ipv6': { type: 'boolean', default: false },
        'help': { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const options: FixtureOptions = {};
  if (values['base-port'] !== undefined) {
    const port = Number(values['base-port']);
    if (!/^\d+$/.test(values['base-port']) || port < 1 || port > 65535) {
      fail(`--base-port takes a port number, not "${values['base-port']}"\n${USAGE}`);
    }
    options.basePort = port;
  }
  if (values['no-ipv6']) options.ipv6 = false;
  return options;
}

const options = parseOptions();
let fixtures;
try {
  fixtures = await startFixtures(options);
} catch (error) {
  if (error instanceof PortInUseError || error instanceof RangeError) fail(error.message);
  throw error;
}
process.stdout.write(JSON.stringify(fixtures.addresses) + '\n');

const signal = await new Promise<NodeJS.Signals>((resolve) => {
  process.once('SIGINT', resolve);
  process.once('SIGTERM', resolve);
});
await fixtures.stop();
process.stderr.write(`fixture server stopped (${signal})\n`);
