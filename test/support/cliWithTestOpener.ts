/**
 * TEST ONLY: the `mcp-lens` CLI with a sign-in stand-in instead of a person at a browser — the
 * headless opener (GETs the authorization URL and follows its redirects to our loopback callback,
 * loopback hosts only) and the pre-registered client or grant that MCP_CONFORMANCE_CONTEXT
 * prescribes. The MCP conformance suite runs this entry (scripts/conformance.mjs), built by
 * esbuild.mjs to out/test/cliWithTestOpener.js; the shipped dist/cli.js contains none of it.
 */
import { createCliAuth, type SignInStandIn } from '../../src/cli/auth';
import { runProcess } from '../../src/cli/process';
import { conformanceClient, conformanceGrant } from './conformanceContext';
import { headlessAutoApproveOpener } from './headlessOpener';

export const TEST_SIGN_IN: SignInStandIn = {
  label: 'the TEST-ONLY headless browser',
  open: (url) => headlessAutoApproveOpener()(url),
  preRegisteredClient: conformanceClient,
  machineGrant: conformanceGrant,
};

if (require.main === module) void runProcess((io, logger) => createCliAuth(io, logger, TEST_SIGN_IN));
