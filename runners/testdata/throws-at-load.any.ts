// Runner test data: a file whose registration throws (the runner must report ERROR, not die).
import type { FileMeta } from '../../tests/lib/test-file.ts';

export const meta: FileMeta = {
  title: 'throws while registering',
  anchors: ['#connect-section'],
  level: 'required',
  subtests: { 'never registered': {} },
};

export default function (): void {
  throw new Error('deliberate failure at load');
}
