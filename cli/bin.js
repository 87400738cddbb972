#!/usr/bin/env node
// The installed command: the compiled CLI (dist/, made by `npm run build`, which `npm ci` and
// `npm pack` run through `prepare`). No TypeScript loader is needed at run time.
const main = new URL('../dist/cli/main.js', import.meta.url);
try {
  await import(main.href);
} catch (error) {
  // A checkout whose build never ran (npm ci --ignore-scripts): say how to make it, in one line.
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes(main.pathname)) throw error;
  process.stderr.write('sockets-conformance: not built: run `npm run build` in the package folder (`npm ci` does it)\n');
  process.exit(2);
}
