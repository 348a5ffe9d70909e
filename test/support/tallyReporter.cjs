'use strict';
/**
 * Mocha reporter: the usual Spec output, plus one JSON line `{suite, passes, failures, pending}` appended
 * to the file named by MCP_LENS_TALLY (when set) at the end of the run. scripts/test-all.mjs sums those
 * lines into the final `N passed, N failed`.
 *
 * The suite name comes from `--reporter-option suite=NAME` (the .mocharc files set it), else
 * MCP_LENS_TALLY_SUITE, else "mocha".
 */
const fs = require('node:fs');
const Mocha = require('mocha');

const { EVENT_RUN_END, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING } = Mocha.Runner.constants;

class TallyReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const reporterOptions = (options && options.reporterOptions) || {};
    const suite = reporterOptions.suite || process.env.MCP_LENS_TALLY_SUITE || 'mocha';
    let passes = 0;
    let failures = 0;
    let pending = 0;
    runner.on(EVENT_TEST_PASS, () => passes++);
    // A failing hook is a failure too (mocha reports it through EVENT_TEST_FAIL with the hook as "test").
    runner.on(EVENT_TEST_FAIL, () => failures++);
    runner.on(EVENT_TEST_PENDING, () => pending++);
    runner.once(EVENT_RUN_END, () => {
      const file = process.env.MCP_LENS_TALLY;
      if (!file) return;
      fs.appendFileSync(file, JSON.stringify({ suite, passes, failures, pending }) + '\n');
    });
  }
}

module.exports = TallyReporter;
