/**
 * JUnit XML for CI (the de-facto schema Jenkins, GitLab and GitHub reporters read): one
 * <testsuite> per checks file, one <testcase> per check, a <failure> with the failed assertions.
 * Everything from files and servers is escaped, and characters XML 1.0 cannot carry are dropped.
 */
import type { CheckResult } from './runner';

export interface CheckSuite {
  /** The file, as given on the command line. */
  name: string;
  results: CheckResult[];
}

export function toJUnitXml(suites: CheckSuite[]): string {
  const total = (pick: (r: CheckResult) => boolean) => suites.reduce((n, s) => n + s.results.filter(pick).length, 0);
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const allMs = suites.reduce((n, s) => n + s.results.reduce((m, r) => m + r.durationMs, 0), 0);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="mcp-lens" tests="${total(() => true)}" failures="${total((r) => !r.passed)}" time="${seconds(allMs)}">`,
  ];
  for (const suite of suites) {
    const failures = suite.results.filter((r) => !r.passed).length;
    const ms = suite.results.reduce((m, r) => m + r.durationMs, 0);
    lines.push(
      `  <testsuite name="${xmlEscape(suite.name)}" tests="${suite.results.length}" failures="${failures}" errors="0" time="${seconds(ms)}">`,
    );
    for (const r of suite.results) {
      const open = `    <testcase classname="${xmlEscape(suite.name)}" name="${xmlEscape(r.name)}" time="${seconds(r.durationMs)}"`;
      if (r.passed) {
        lines.push(`${open}/>`);
        continue;
      }
      lines.push(`${open}>`);
      lines.push(
        `      <failure message="${xmlEscape(r.failures[0] ?? 'failed')}" type="AssertionError">${xmlEscape(r.failures.join('\n'))}</failure>`,
      );
      lines.push('    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

/** Escapes text for XML content and attribute values; drops what XML 1.0 forbids (most C0 controls, lone surrogates). */
export function xmlEscape(text: string): string {
  return text
    .replace(
      // eslint-disable-next-line no-control-regex
      /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
      '',
    )
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}
