// pg decides once, when its stream module loads, whether to open sockets with node:net and upgrade
// with node:tls, or with pg-cloudflare over connect() and upgrade with startTls(): it takes the
// second path only when navigator.userAgent says Cloudflare-Workers. Outside workerd this module
// says so, and must be imported before pg, so that pg runs over the connect() under test in every
// runtime exactly as it does in workerd. pg.any.ts checks that pg really took that path.

export const WORKERS_USER_AGENT = 'Cloudflare-Workers';

const g = globalThis as { navigator?: { userAgent?: string } };
if (g.navigator?.userAgent !== WORKERS_USER_AGENT) {
  try {
    if (g.navigator) Object.defineProperty(g.navigator, 'userAgent', { value: WORKERS_USER_AGENT, configurable: true });
    else Object.defineProperty(globalThis, 'navigator', { value: { userAgent: WORKERS_USER_AGENT }, configurable: true, writable: true });
  } catch {
    // A runtime that locks navigator down: pg then takes node:net, and pg.any.ts says so.
  }
}
