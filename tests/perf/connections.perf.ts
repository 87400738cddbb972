// Performance tier: how fast the connect() under test sets up and tears down connections to the
// fixture server's plain echo service, several in flight at once.
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import type { Socket } from '../lib/sockets-api.ts';
import { connectionRate, STEP_DEADLINE_MS, WARM_UP, within } from './figures.ts';
import { planOf, reportFigure } from './report.ts';

export const meta: FileMeta = {
  title: 'performance: connection set-up rate',
  anchors: ['#connect-section', '#opened-attribute', '#close-method'],
  level: 'informational',
  tier: 'perf',
  timeoutMs: 30_000,
  subtests: {
    'connection set-up: connect, opened, close': {},
    'connection set-up: connect, 1-byte echo, close': {},
  },
};

const hasOpened = (socket: Socket) => typeof (socket.opened as unknown as { then?: unknown } | undefined)?.then === 'function';

export default function (ctx: TestContext): void {
  const plan = planOf(ctx);
  const echo = ctx.fixtures.services.echo.ipv4;

  promise_test(async () => {
    const probe = ctx.connect(echo);
    const available = hasOpened(probe);
    await Promise.resolve(probe.close()).catch(() => {});
    assert_implements_optional(available, 'this connect() has no opened promise, so only the 1-byte echo variant is measured');
    const one = async () => {
      const socket = ctx.connect(echo);
      await within(socket.opened, STEP_DEADLINE_MS, 'opened');
      await within(socket.close(), STEP_DEADLINE_MS, 'close()');
    };
    await connectionRate(WARM_UP.connections, plan.connectionConcurrency, one);
    const perSecond = await connectionRate(plan.connections, plan.connectionConcurrency, one);
    reportFigure(ctx, 'connectOpened', perSecond, { samples: plan.connections, note: `${plan.connectionConcurrency} in flight; close() awaited` });
  }, 'connection set-up: connect, opened, close');

  promise_test(async () => {
    let opened = true;
    const one = async () => {
      const socket = ctx.connect(echo);
      opened &&= hasOpened(socket);
      const writer = socket.writable.getWriter();
      const reader = socket.readable.getReader();
      const written = writer.write(new Uint8Array([0x2a]));
      const { value, done } = await within(reader.read(), STEP_DEADLINE_MS, 'the echoed byte');
      if (done || value.byteLength !== 1) throw new Error('the echo service did not send the byte back');
      await written;
      writer.releaseLock();
      reader.releaseLock();
      await within(Promise.resolve(socket.close()), STEP_DEADLINE_MS, 'close()');
    };
    await connectionRate(WARM_UP.connections, plan.connectionConcurrency, one);
    const perSecond = await connectionRate(plan.connections, plan.connectionConcurrency, one);
    const note = `${plan.connectionConcurrency} in flight; close() awaited${opened ? '' : '; this connect() has no opened, so this is its only connection figure'}`;
    reportFigure(ctx, 'connectEcho', perSecond, { samples: plan.connections, note });
  }, 'connection set-up: connect, 1-byte echo, close');
}
