// Runner test data: the second subtest never settles (the runner must time the file out).
import type { FileMeta } from '../../tests/lib/test-file.ts';

export const meta: FileMeta = {
  title: 'hangs in its second subtest',
  anchors: ['#connect-section'],
  level: 'required',
  subtests: { 'finishes': {}, 'hangs forever': {}, 'after the hang': {} },
};

export default function (): void {
  promise_test(async () => {
    assert_true(true, 'trivially');
  }, 'finishes');
  promise_test(() => new Promise(() => {}), 'hangs forever');
  promise_test(async () => {}, 'after the hang');
}
