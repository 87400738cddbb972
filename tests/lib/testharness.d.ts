// Type declarations for the globals that WPT's testharness.js (wpt-runner's copy, pinned in
// package.json) puts on the global scope. Only what this suite uses is declared.

declare global {
  interface TestharnessTest {
    name: string;
    /** 0 PASS, 1 FAIL, 2 TIMEOUT, 3 NOTRUN, 4 PRECONDITION_FAILED */
    status: number;
    message: string | null;
    stack: string | null;
    add_cleanup(fn: () => unknown): void;
    step_func<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R;
    unreached_func(description?: string): (...args: unknown[]) => never;
    step_timeout(fn: () => void, ms: number): unknown;
  }

  interface TestharnessStatus {
    /** 0 OK, 1 ERROR, 2 TIMEOUT, 3 PRECONDITION_FAILED */
    status: number;
    message: string | null;
    stack: string | null;
  }

  function setup(properties: { explicit_done?: boolean; explicit_timeout?: boolean; allow_uncaught_exception?: boolean; timeout_multiplier?: number }): void;
  function done(): void;
  /** Marks every unfinished subtest TIMEOUT and completes the harness. */
  function timeout(): void;
  function add_result_callback(cb: (test: TestharnessTest) => void): void;
  function add_completion_callback(cb: (tests: TestharnessTest[], status: TestharnessStatus) => void): void;
  function add_start_callback(cb: () => void): void;

  function promise_test(fn: (t: TestharnessTest) => Promise<unknown>, name: string): void;
  function test(fn: (t: TestharnessTest) => void, name: string): void;

  function assert_true(actual: unknown, description?: string): asserts actual;
  function assert_false(actual: unknown, description?: string): void;
  function assert_equals<T>(actual: T, expected: T, description?: string): void;
  function assert_not_equals<T>(actual: T, expected: T, description?: string): void;
  function assert_array_equals(actual: ArrayLike<unknown>, expected: ArrayLike<unknown>, description?: string): void;
  function assert_in_array(actual: unknown, expected: unknown[], description?: string): void;
  function assert_regexp_match(actual: string, expected: RegExp, description?: string): void;
  function assert_class_string(object: unknown, className: string, description?: string): void;
  function assert_own_property(object: object, propertyName: string, description?: string): void;
  function assert_not_own_property(object: object, propertyName: string, description?: string): void;
  function assert_inherits(object: object, propertyName: string, description?: string): void;
  function assert_readonly(object: object, propertyName: string, description?: string): void;
  function assert_greater_than(actual: number, expected: number, description?: string): void;
  function assert_greater_than_equal(actual: number, expected: number, description?: string): void;
  function assert_less_than(actual: number, expected: number, description?: string): void;
  function assert_less_than_equal(actual: number, expected: number, description?: string): void;
  function assert_throws_js(constructor: Function, fn: () => unknown, description?: string): void;
  function assert_unreached(description?: string): never;
  function assert_implements_optional(condition: unknown, description?: string): asserts condition;
  function promise_rejects_js(t: TestharnessTest, constructor: Function, promise: Promise<unknown>, description?: string): Promise<void>;
  function promise_rejects_exactly(t: TestharnessTest, exception: unknown, promise: Promise<unknown>, description?: string): Promise<void>;
  function format_value(value: unknown): string;
}

export {};
