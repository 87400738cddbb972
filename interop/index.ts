// The interop tier's servers as one unit: a throwaway PostgreSQL cluster and the SMTP fixtures,
// sharing one TLS certificate from their own CA (the fixture server keeps its CA key to itself).
// A machine without PostgreSQL (neither the npm build nor an installed one) still gets the SMTP
// fixtures; the address map says why postgres is missing and how to get it.

import { createTlsMaterial, type TlsMaterial } from '../echo-server/certificates.ts';
import type { InteropAddresses } from '../records/fixtures.ts';
import { PostgresUnavailable, startPostgres, type RunningPostgres } from './postgres.ts';
import { startSmtp, type RunningSmtp } from './smtp.ts';

export interface InteropFixtures {
  addresses: InteropAddresses;
  smtp: RunningSmtp;
  stop(): Promise<void>;
}

export async function startInterop(material?: TlsMaterial): Promise<InteropFixtures> {
  const tls = material ?? (await createTlsMaterial());
  let postgres: RunningPostgres | null = null;
  let postgresUnavailable: string | undefined;
  try {
    postgres = await startPostgres(tls);
  } catch (error) {
    // A cluster that will not start costs the PostgreSQL scenarios (not passes: PRECONDITION_FAILED
    // with this reason), never the rest of the run.
    postgresUnavailable = error instanceof PostgresUnavailable ? error.message : `PostgreSQL did not start: ${(error as Error).message}`;
  }
  let smtp: RunningSmtp;
  try {
    smtp = await startSmtp(tls);
  } catch (error) {
    await postgres?.stop();
    throw error;
  }
  const addresses: InteropAddresses = {
    caCertificate: tls.caCertificate,
    postgres: postgres?.fixture ?? null,
    smtp: smtp.fixture,
  };
  if (postgresUnavailable) addresses.postgresUnavailable = postgresUnavailable;
  let stopping: Promise<void> | undefined;
  return {
    addresses,
    smtp,
    stop: () => (stopping ??= Promise.all([postgres?.stop(), smtp.stop()]).then(() => undefined)),
  };
}
