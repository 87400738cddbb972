// The default connect() for node, deno and bun: the @arrowood.dev/socket polyfill, which the draft
// names as one of its two implementations.
export { connect } from '@arrowood.dev/socket';
