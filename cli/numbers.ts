// Numeric flags: a bad value is a usage error naming the flag (exit 2), never NaN in a run.
import { UsageError } from '../runners/run.ts';

export const positiveNumber = (flag: string, integer = false) => (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`${flag} takes a positive ${integer ? 'whole ' : ''}number, not "${value}"`);
  }
  return n;
};
