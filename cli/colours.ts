// Colour only for people: a TTY without NO_COLOR, and not when --no-color was given.
import pc from 'picocolors';
import { plain, type Colours } from '../reporters/summary.ts';

export function colours(stream: NodeJS.WriteStream, enabled = true): Colours {
  const on = enabled && stream.isTTY === true && !process.env.NO_COLOR;
  return on ? pc : plain;
}
