// Badges: per runtime row, how many required subtests pass, as an SVG (badge-maker) and as a
// shields.io endpoint JSON (https://shields.io/badges/endpoint-badge) for README images.

import { makeBadge } from 'badge-maker';
import type { RunResults } from '../records/result.ts';
import { buildMatrix, cellGrade } from './format.ts';

export interface Badge {
  runtime: string;
  label: string;
  message: string;
  color: 'brightgreen' | 'yellow' | 'red' | 'lightgrey';
}

export function badges(results: RunResults): Badge[] {
  const m = buildMatrix(results);
  return m.runtimes.map((id) => {
    const cell = m.totals.required[id];
    const grade = cellGrade(cell);
    return {
      runtime: id,
      label: id,
      message: cell && cell.total > 0 ? `${cell.passed}/${cell.total} required` : 'no required subtests',
      color: grade === 'good' ? 'brightgreen' : grade === 'partial' ? 'yellow' : grade === 'bad' ? 'red' : 'lightgrey',
    };
  });
}

export const badgeSvg = (b: Badge) => makeBadge({ label: b.label, message: b.message, color: b.color });

/** shields.io's endpoint schema: schemaVersion 1, label, message, color. */
export const badgeEndpointJson = (b: Badge) =>
  JSON.stringify({ schemaVersion: 1, label: b.label, message: b.message, color: b.color }, null, 2) + '\n';
