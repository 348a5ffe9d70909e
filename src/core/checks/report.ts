/** The plain-text lines of a checks run, the same in the CLI and in the extension's output channel. */
import { shownText } from './text';
import type { CheckResult } from './runner';

/** `  ✔ name (12 ms)`, then each failed assertion indented below it. */
export function formatCheckLine(result: CheckResult): string {
  const mark = result.passed ? '✔' : '✘';
  const lines = [`  ${mark} ${shownText(result.name)} (${Math.round(result.durationMs)} ms)`];
  for (const failure of result.failures) lines.push(`      ${failure}`);
  return `${lines.join('\n')}\n`;
}

/** The last line: `N passed, N failed`. */
export function formatSummary(results: CheckResult[]): string {
  const passed = results.filter((r) => r.passed).length;
  return `${passed} passed, ${results.length - passed} failed\n`;
}
