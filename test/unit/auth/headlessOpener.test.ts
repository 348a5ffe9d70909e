import * as assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { headlessAutoApproveOpener } from '../../support/headlessOpener.js';

describe('headlessAutoApproveOpener (test-only)', () => {
  let server: Server;
  let base = '';
  const hits: string[] = [];
  before(async () => {
    server = createServer((req, res) => {
      hits.push(req.url ?? '');
      if (req.url?.startsWith('/authorize')) {
        res.writeHead(302, { Location: `${base}/callback?code=c&state=s` });
        return res.end();
      }
      if (req.url?.startsWith('/callback')) return res.end('done');
      if (req.url?.startsWith('/consent')) return res.end('<form>click me</form>');
      if (req.url?.startsWith('/away')) {
        res.writeHead(302, { Location: 'http://example.com/login' });
        return res.end();
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  it('follows redirects to the loopback callback and GETs it', async () => {
    hits.length = 0;
    await headlessAutoApproveOpener()(`${base}/authorize?x=1`);
    assert.deepEqual(
      hits.map((h) => h.split('?')[0]),
      ['/authorize', '/callback'],
    );
  });

  it('fails on a page that needs a person', async () => {
    await assert.rejects(headlessAutoApproveOpener()(`${base}/consent`), /needs a person/);
  });

  it('never leaves loopback by default, and refuses non-http schemes', async () => {
    const seen: string[] = [];
    const spy = (u: string | URL, i?: RequestInit) => (seen.push(String(u)), fetch(u, i));
    await assert.rejects(
      headlessAutoApproveOpener({ fetch: spy })(`${base}/away`),
      /refusing to contact http:\/\/example\.com/,
    );
    assert.ok(!seen.some((u) => u.includes('example.com')));
    await assert.rejects(headlessAutoApproveOpener()('javascript:alert(1)'), /refusing a javascript: URL/);
  });
});
