// The default connect() for workerd: its native module, left external by the bundler.
// @ts-expect-error -- cloudflare:sockets exists only inside workerd.
export { connect } from 'cloudflare:sockets';
