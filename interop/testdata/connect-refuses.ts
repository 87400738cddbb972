// An --impl for the project's own tests: a connect() that refuses every call. Run under it, every
// interop scenario must fail, which shows that each library really goes through the connect()
// under test (the bundle's cloudflare:sockets mapping) rather than a socket of its own.
export function connect(): never {
  throw new TypeError('connect() refused by interop/testdata/connect-refuses.ts');
}
