// JUnit XML, so CI systems show failures natively: one <testsuite> per runtime × file, one <testcase>
// per subtest. FAIL is a <failure>; TIMEOUT and CRASH are <error>s; NOTRUN, PRECONDITION_FAILED and
// SKIP are <skipped> (the subtest produced no verdict). Tentative and informational subtests are never
// judged, so whatever they came to is <skipped> with the status in its message, never a CI failure.

import { isJudgedLevel, type FileRecord, type ResultRecord, type RunResults } from '../records/result.ts';
import { draftText } from './format.ts';

/** Characters XML 1.0 cannot carry at all, even escaped: most C0 controls, lone surrogates, U+FFFE/F. */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escapes text for an attribute or element body; unrepresentable characters become U+FFFD. */
export function xmlEscape(text: string): string {
  return text
    .replace(NOT_XML, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    // Attribute values normalise raw newlines and tabs to spaces; character references survive.
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/** Whether a record's status is a verdict CI should see: tentative and informational ones are shown only. */
const judged = (r: ResultRecord) => isJudgedLevel(r.level);
const kind = (r: ResultRecord): 'pass' | 'failure' | 'error' | 'skipped' =>
  r.status === 'PASS' ? 'pass'
  : !judged(r) ? 'skipped'
  : r.status === 'FAIL' ? 'failure'
  : r.status === 'TIMEOUT' || r.status === 'CRASH' ? 'error'
  : 'skipped';

function testcase(r: ResultRecord, classname: string): string {
  const open = `    <testcase classname="${xmlEscape(classname)}" name="${xmlEscape(r.test)}" time="${seconds(r.durationMs)}">`;
  const message = r.message ?? '';
  const body = (tag: string) => `\n      <${tag} type="${r.status}" message="${xmlEscape(message.split('\n')[0]!)}">${xmlEscape(message)}</${tag}>\n    `;
  switch (kind(r)) {
    case 'pass':
      return `${open}</testcase>`;
    case 'failure':
      return `${open}${body('failure')}</testcase>`;
    case 'error':
      return `${open}${body('error')}</testcase>`;
    case 'skipped': {
      const notJudged = judged(r) ? '' : `${r.level}, not judged: `;
      return `${open}\n      <skipped message="${xmlEscape(`${notJudged}${r.status}${message ? `: ${message}` : ''}`)}"/>\n    </testcase>`;
    }
  }
}

function fileTestcase(file: FileRecord, classname: string): string {
  const message = file.message ?? file.status;
  return `    <testcase classname="${xmlEscape(classname)}" name="(file status)" time="${seconds(file.durationMs)}">\n      <error type="${file.status}" message="${xmlEscape(message.split('\n')[0]!)}">${xmlEscape(message)}</error>\n    </testcase>`;
}

export function junitXml(results: RunResults): string {
  const suites: string[] = [];
  let tests = 0, failures = 0, errors = 0, skipped = 0;
  for (const runtime of results.runtimes) {
    for (const file of results.files.filter((f) => f.runtime === runtime.id)) {
      const records = results.results.filter((r) => r.runtime === runtime.id && r.file === file.file);
      const classname = `${runtime.id}.${file.file.replace(/\.any\.ts$/, '').replace(/\//g, '.')}`;
      // A file that did not finish normally is a failure of its own: it may have no subtest records
      // at all (an ERROR at load), and CI should still show it.
      const fileCase = file.status === 'OK' ? [] : [fileTestcase(file, classname)];
      const n = {
        tests: records.length + fileCase.length,
        failures: records.filter((r) => kind(r) === 'failure').length,
        errors: records.filter((r) => kind(r) === 'error').length + fileCase.length,
        skipped: records.filter((r) => kind(r) === 'skipped').length,
      };
      tests += n.tests, failures += n.failures, errors += n.errors, skipped += n.skipped;
      const props = [
        ['runtime', runtime.id], ['runtime.version', runtime.version], ['draft', draftText(results)], ['file.status', file.status],
        ...(runtime.impl ? [['impl', runtime.impl]] : []),
        ...(file.message ? [['file.message', file.message]] : []),
      ].map(([k, v]) => `      <property name="${xmlEscape(k!)}" value="${xmlEscape(v!)}"/>`);
      const lines = [
        `  <testsuite name="${xmlEscape(`${runtime.id} ${file.file}`)}" tests="${n.tests}" failures="${n.failures}" errors="${n.errors}" skipped="${n.skipped}" time="${seconds(file.durationMs)}" timestamp="${xmlEscape(results.startedAt.replace(/Z$/, ''))}">`,
        `    <properties>\n${props.join('\n')}\n    </properties>`,
        ...records.map((r) => testcase(r, classname)),
        ...fileCase,
      ];
      if (file.outputTail) lines.push(`    <system-err>${xmlEscape(file.outputTail)}</system-err>`);
      lines.push('  </testsuite>');
      suites.push(lines.join('\n'));
    }
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="sockets-conformance ${xmlEscape(results.suiteVersion)}" tests="${tests}" failures="${failures}" errors="${errors}" skipped="${skipped}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
