// #socket-class: the members the IDL gives a Socket, their read-only-ness and their identity.
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import { closeAtEnd } from '../lib/fixture.ts';
import { describeValue, observe } from '../lib/observe.ts';
import type { Socket } from '../lib/sockets-api.ts';

const ATTRIBUTES = ['readable', 'writable', 'opened', 'closed'] as const;

export const meta: FileMeta = {
  title: 'A Socket has the IDL members; its attributes are read-only and stable',
  anchors: ['#socket-class'],
  level: 'required',
  subtests: {
    'a socket has readable, writable, opened, closed, close() and startTls()': { covers: ['socket.members', 'socket.is-interface-instance'] },
    ...Object.fromEntries(ATTRIBUTES.map((name) => [`assigning to ${name} does not replace it`, { covers: ['socket.attributes-readonly'] }])),
    'reading readable, writable, opened and closed twice gives the same objects': { covers: ['socket.attributes-stable'] },
    'what calling the socket\'s constructor directly does': { covers: ['socket.constructor'], level: 'informational' },
  },
};

export default function ({ connect, fixtures }: TestContext): void {
  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(fixtures.services.echo.ipv4));
    for (const name of ATTRIBUTES) {
      assert_true(name in socket, `the socket has the member ${name}`);
      assert_not_equals(socket[name], undefined, `${name} is not undefined`);
      assert_not_equals(socket[name], null, `${name} is not null`);
    }
    assert_equals(typeof socket.close, 'function', 'close is a method');
    assert_equals(typeof socket.startTls, 'function', 'startTls is a method');
    // An object literal with these members would pass everything above; an interface instance has
    // the interface's prototype (the accessors themselves are checked in idl.any.ts).
    assert_not_equals(Object.getPrototypeOf(socket), Object.prototype, 'the socket is an interface instance, not a plain object');
    await socket.opened;
  }, 'a socket has readable, writable, opened, closed, close() and startTls()');

  for (const name of ATTRIBUTES) {
    promise_test(async (t) => {
      const socket = closeAtEnd(t, connect(fixtures.services.echo.ipv4));
      const original = socket[name];
      const replacement = name === 'readable' ? new ReadableStream() : name === 'writable' ? new WritableStream() : Promise.resolve();
      // Test files are modules, so strict mode: assigning to a getter-only accessor throws a
      // TypeError. Throwing is allowed; what counts is that the attribute still holds the original.
      try {
        (socket as unknown as Record<string, unknown>)[name] = replacement;
      } catch {
        // Expected for an accessor without a setter.
      }
      assert_equals(socket[name], original, `${name} still holds the object it held before the assignment`);
      assert_not_equals(socket[name] as unknown, replacement, `${name} is not the assigned value`);
      await socket.opened;
    }, `assigning to ${name} does not replace it`);
  }

  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(fixtures.services.echo.ipv4));
    for (const name of ATTRIBUTES) {
      assert_equals(socket[name], socket[name], `${name} gives the same object on every read`);
    }
    await socket.opened;
    for (const name of ATTRIBUTES) {
      const again: Socket[typeof name] = socket[name];
      assert_equals(socket[name], again, `${name} gives the same object after the socket opened`);
    }
  }, 'reading readable, writable, opened and closed twice gives the same objects');

  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(fixtures.services.echo.ipv4));
    const ctor = (socket as unknown as { constructor?: unknown }).constructor;
    if (typeof ctor !== 'function') {
      observe(t, `the socket has no callable constructor (${describeValue(ctor)})`);
      return;
    }
    const name = (ctor as { name?: string }).name || '(anonymous)';
    if (ctor === Object) {
      observe(t, 'the socket is a plain object (its constructor is Object)');
      return;
    }
    try {
      const made = new (ctor as new () => unknown)();
      observe(t, `new ${name}() with no arguments returned ${Object.prototype.toString.call(made)}`);
      const close = (made as { close?: unknown } | null)?.close;
      if (typeof close === 'function') {
        try {
          Promise.resolve(close.call(made)).catch(() => {});
        } catch {
          // Closing what the constructor made is only tidying up.
        }
      }
    } catch (error) {
      observe(t, `new ${name}() with no arguments threw ${describeValue(error)}`);
    }
  }, 'what calling the socket\'s constructor directly does');
}
