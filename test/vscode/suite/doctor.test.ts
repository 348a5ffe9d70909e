import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import type { DoctorCommandResult } from '../../../src/extension/doctorCommand';
import { activateExtension } from './helpers';

describe('Diagnose Connection', () => {
  let server: http.Server;
  let url: string;

  before(async () => {
    await activateExtension();
    // A protected MCP endpoint with a defect the doctor must name: its 401 has no WWW-Authenticate.
    server = http.createServer((req, res) => {
      if (req.url?.startsWith('/mcp')) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized"}');
      } else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('runs the checks on a URL and opens the Markdown report, read-only, naming the defect and the fix', async () => {
    const result = (await vscode.commands.executeCommand('mcpLens.diagnoseConnection', url)) as
      DoctorCommandResult | undefined;
    assert.ok(result, 'the command returns the report');
    const challenge = result.report.checks.find((c) => c.id === 'challenge');
    assert.equal(challenge?.status, 'fail');
    assert.match(challenge?.fix ?? '', /WWW-Authenticate/);
    const doc = await vscode.workspace.openTextDocument(result.uri);
    assert.equal(result.uri.scheme, 'mcp-lens-doctor');
    assert.match(doc.getText(), /WWW-Authenticate/);
    assert.match(doc.getText(), /RFC 6750|RFC 9728|MCP/);
  });
});
