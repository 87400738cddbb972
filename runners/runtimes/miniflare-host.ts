// The process the miniflare adapter launches: Node.js running the Miniflare API, which starts its
// own workerd. workerd's stdout is passed through as is, so results reach the runner framed exactly
// as from workerd itself. Host side: it imports miniflare, never a test; argv[2] names a JSON file
// written by runners/runtimes/miniflare.ts (MiniflareHostConfig). Two ways in:
// - one file: its bundle is the only worker, and the file's request is posted to it at once;
// - warm: each file of the process's share of the run is a worker of its own; one HTTP server on loopback takes each
//   file's request (the runner's http transport, runners/warm.ts), reported on fd 3 as the port of
//   every worker's socket, and hands it to that file's worker.

import { writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { Miniflare, type WorkerOptions } from 'miniflare';
import type { MiniflareHostConfig } from './miniflare.ts';

const config = JSON.parse(await readFile(process.argv[2]!, 'utf8')) as MiniflareHostConfig;
const worker = (bundle: string, name: string): WorkerOptions => ({
  name,
  modules: true,
  scriptPath: bundle,
  // Module names are paths relative to this root; the bundle lives in the build cache, not here.
  modulesRoot: path.dirname(bundle),
  compatibilityDate: config.compatibilityDate,
  compatibilityFlags: config.compatibilityFlags,
  ...(config.context ? { bindings: { CONTEXT: config.context } } : {}),
});
const socketOf = config.socketOf ?? { [config.bundle!]: 'main' };
const mf = new Miniflare({
  workers: Object.entries(socketOf).map(([bundle, name]) => worker(bundle, name)),
  // Plain lines, so that the result channel's framing survives unchanged.
  structuredWorkerdLogs: false,
  handleRuntimeStdio(stdout: Readable, stderr: Readable) {
    stdout.pipe(process.stdout);
    stderr.pipe(process.stderr);
  },
});

async function post(name: string, body: string): Promise<{ status: number; text: string }> {
  // getWorker's declared type (workers-types' Fetcher, rewritten) does not survive this project's
  // lib settings; at run time it is a fetcher with fetch().
  const target = (await mf.getWorker(name)) as unknown as { fetch(url: string, init: { method: string; body: string }): Promise<{ status: number; text(): Promise<string> }> };
  const response = await target.fetch('http://sockets-conformance.invalid/', { method: 'POST', body });
  return { status: response.status, text: await response.text() };
}

if (!config.socketOf) {
  try {
    await post('main', JSON.stringify({ bundle: config.bundle, context: config.context }));
  } finally {
    await mf.dispose();
  }
} else {
  await mf.ready;
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const { bundle } = JSON.parse(body) as { bundle: string };
      post(socketOf[bundle]!, body).then(
        (r) => res.writeHead(r.status).end(r.text),
        (error: Error) => res.writeHead(500).end(error.message),
      );
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    for (const name of Object.values(socketOf)) writeSync(3, `${JSON.stringify({ event: 'listen', socket: name, port })}\n`);
  });
}
