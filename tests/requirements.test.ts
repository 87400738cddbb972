// Checks the catalogue's own consistency: ids unique and well-formed, anchors real headings of the draft,
// a rationale wherever the level is not plainly "the draft states it".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LEVELS } from '../records/result.ts';
import { SPEC_ANCHORS, requirementById, requirements, requirementsForAnchor } from './requirements.ts';

// The draft lives beside the project in the workspace; a clone of the project alone does not have it.
const draftPath = fileURLToPath(new URL('../../shared/spec/index.bs', import.meta.url));

test('catalogue ids are unique, dotted and lower-case', () => {
  const seen = new Set<string>();
  for (const req of requirements) {
    assert.match(req.id, /^[a-z]+(\.[a-z0-9]+(-[a-z0-9]+)*)+$/, `malformed id ${req.id}`);
    assert.ok(!seen.has(req.id), `duplicate id ${req.id}`);
    seen.add(req.id);
  }
});

test('every entry has a known anchor, a level and a one-line statement', () => {
  for (const req of requirements) {
    assert.ok(SPEC_ANCHORS.includes(req.anchor), `${req.id}: unknown anchor ${req.anchor}`);
    assert.ok(LEVELS.includes(req.level), `${req.id}: unknown level ${req.level}`);
    assert.ok(req.statement.length > 10 && !req.statement.includes('\n'), `${req.id}: statement must be one line`);
    if (req.rationale !== undefined) assert.ok(!req.rationale.includes('\n'), `${req.id}: rationale must be one line`);
  }
});

test('optional and informational entries say why', () => {
  for (const req of requirements) {
    if (req.level !== 'required') assert.ok(req.rationale, `${req.id} is ${req.level} without a rationale`);
  }
});

test('tentative entries, and only they, cite an open proposal of the draft\'s repository', () => {
  for (const req of requirements) {
    if (req.level === 'tentative') assert.match(req.proposal ?? '', /^https:\/\/github\.com\/WinterTC55\/proposal-sockets-api\/(pull|issues)\/\d+$/, `${req.id} cites no proposal`);
    else assert.equal(req.proposal, undefined, `${req.id} is ${req.level} but cites a proposal`);
  }
});

test('every section the suite checks has entries', () => {
  const sections = ['#connect-section', '#socketoptions-dictionary', '#socketinfo-dictionary', '#anysocketaddress-type',
    '#socket-class', '#readable-attribute', '#writable-attribute', '#opened-attribute', '#closed-attribute',
    '#close-method', '#starttls-method', '#socket-error', '#upgraded-attribute'];
  for (const anchor of sections) assert.ok(requirementsForAnchor(anchor).length > 0, `no entries for ${anchor}`);
});

test('requirementById finds entries and returns undefined for unknown ids', () => {
  assert.equal(requirementById('close.returns-closed')?.anchor, '#close-method');
  assert.equal(requirementById('no.such-id'), undefined);
});

test('SPEC_ANCHORS are exactly the heading ids of the draft', (t) => {
  if (!existsSync(draftPath)) {
    t.skip(`the draft is not at ${draftPath}`);
    return;
  }
  const headings = [...readFileSync(draftPath, 'utf8').matchAll(/<h[1-6][^>]*\bid="([^"]+)"/g)].map((m) => `#${m[1]}`);
  assert.deepEqual([...SPEC_ANCHORS], headings);
});
