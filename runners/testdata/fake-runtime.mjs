// Runner test data: a stand-in runtime that misbehaves on request, then (for some modes) runs the
// real bundle. Usage: node fake-runtime.mjs <mode> <bundle> <context-json>
const [mode, bundle, context] = process.argv.slice(2);
const { nonce } = JSON.parse(context);
const prefix = `@@sockets-conformance:${nonce} `;

switch (mode) {
  case 'segfault':
    process.kill(process.pid, 'SIGSEGV');
    break;
  case 'exit-early':
    process.stderr.write('leaving before the harness starts\n');
    process.exit(0);
    break;
  case 'hang':
    setInterval(() => {}, 1000);
    break;
  case 'garbage':
    process.stdout.write(`${prefix}{not json\n${prefix}{"type":"bogus"}\n@@sockets-conformance:wrong-nonce {"type":"complete","status":"OK","message":null}\nplain noise\n`);
    await runBundle();
    break;
  case 'flood': {
    const line = 'x'.repeat(1023) + '\n';
    const chunk = line.repeat(1024); // 1 MiB
    for (let i = 0; i < 16; i++) {
      process.stdout.write(chunk);
      process.stderr.write(chunk);
    }
    process.stdout.write('no newline at the end of this flood '.repeat(40_000));
    process.stdout.write('\n');
    await runBundle();
    break;
  }
  default:
    throw new Error(`unknown mode ${mode}`);
}

async function runBundle() {
  process.argv = [process.argv[0], bundle, context];
  await import(bundle);
}
