// Runner test data: the process exits in the middle of the second subtest.
import type { FileMeta } from '../../tests/lib/test-file.ts';

export const meta: FileMeta = {
  title: 'the runtime dies in its second subtest',
  anchors: ['#connect-section'],
  level: 'required',
  subtests: { 'passes first': {}, 'kills the process': {} },
};

export default function (): void {
  promise_test(async () => {}, 'passes first');
  promise_test(async () => {
    (globalThis as unknown as { process: { exit(code: number): never } }).process.exit(3);
  }, 'kills the process');
}
