/* global describe, it, before, after, afterEach -- mocha globals */
// End to end, as a new user, in real VS Code (code-server) driven by Debian's Chromium: OAuth sign-in to our
// loopback port of the python-sdk `simple-auth` example (test/fixtures/simpleAuth), over Streamable HTTP and
// over SSE, once with the default redirect (`auto`: code-server's /callback URL → the extension's URI
// handler) and once with the forced loopback fallback (`mcpLens.oauth.redirectMethod: "loopback"`:
// 127.0.0.1 listener reached through code-server's /proxy/PORT/ forwarder).
//
// Per redirect method, in one code-server with a fresh user-data folder and browser profile:
//  1. Add MCP Connection from the palette with the fixture's URL; the sign-in starts by itself.
//  2. The GitHub stand-in's consent page opens in a browser tab (openExternal → launch redirect → /authorize
//     → stand-in); click Authorize. The authorization server got exactly the registered redirect_uri.
//  3. The tree lists get_user_profile; its inline Call Tool action shows the demo user's profile.
//  4. Developer: Reload Window: both connections come back with no browser tab, no /authorize, no /register.
//  5. Leak search: no access, refresh or upstream GitHub token in any file of code-server's folders
//     (user-data with state.vscdb and logs incl. the MCP Lens channel at trace level, settings, XDG
//     folders, code-server's own log), the workspace, or in plain text in the browser profile. As a
//     positive control, the tokens are found where they belong: code-server's SecretStorage, which is
//     the browser's localStorage["secrets.provider"], AES-GCM sealed with a key half from the server
//     (user-data/serve-web-key-half) — the test unseals it to prove the search looks for the right values.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { webcrypto } from 'node:crypto';
import {
  CHROMIUM,
  CHROMIUM_ARGS,
  EXTENSION_ID,
  ROOT,
  TEST_OUTPUT_DIR,
  findFiles,
  openWorkbench,
  runCommand,
  startCodeServer,
} from '../../scripts/codeServer.mjs';
import { allFiles, searchForSecrets } from './leakSearch.mjs';

// The fixture is TypeScript; mocha runs with tsx's require hook (test/.mocharc.e2e.json), which serves require().
const require = createRequire(import.meta.url);
/** @type {typeof import('../fixtures/simpleAuth/server.ts')} */
const { startSimpleAuthServer } = require('../fixtures/simpleAuth/server.ts');

const SCREENSHOTS = path.join(TEST_OUTPUT_DIR, 'screenshots');
const EXTENSION_AUTHORITY = 'mcp-lens.mcp-lens';
const DEMO_LOGIN = 'octo-demo';

const VARIANTS = [
  { method: 'auto', label: 'URI handler (default auto)', settings: {} },
  { method: 'loopback', label: 'forced loopback fallback', settings: { 'mcpLens.oauth.redirectMethod': 'loopback' } },
];

const CONNECTIONS = [
  { transport: 'streamable-http', pick: 'Streamable HTTP', name: 'GitHub HTTP', scope: 'User', short: 'http' },
  { transport: 'sse', pick: 'SSE', name: 'GitHub SSE', scope: 'Workspace', short: 'sse' },
];

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/** Every file below `dir` (recursively). */
/**
 * code-server's SecretStorage (vs/code/browser/workbench: LocalStorageSecretStorageProvider + ServerKeyedAESCrypto):
 * localStorage["secrets.provider"] = base64(clientKey[32] ‖ iv[12] ‖ AES-256-GCM(JSON of all secrets)), the AES key
 * being clientKey XOR the 32-byte server half that code-server's POST /mint-key serves from user-data/serve-web-key-half.
 */
async function unsealCodeServerSecrets(sealedBase64, serverKeyHalf) {
  const sealed = Buffer.from(sealedBase64, 'base64');
  const clientKey = sealed.subarray(0, 32);
  const iv = sealed.subarray(32, 44);
  const cipher = sealed.subarray(44);
  const key = Buffer.alloc(32);
  for (let i = 0; i < 32; i++) key[i] = clientKey[i] ^ serverKeyHalf[i];
  const aes = await webcrypto.subtle.importKey('raw', key, { name: 'AES-GCM' }, false, ['decrypt']);
  const plain = await webcrypto.subtle.decrypt({ name: 'AES-GCM', iv }, aes, cipher);
  return JSON.parse(Buffer.from(plain).toString('utf8'));
}

for (const variant of VARIANTS) {
  describe(`e2e: OAuth sign-in to the simple-auth fixture, ${variant.label}`, function () {
    this.timeout(240000);
    /** @type {Record<string, import('../fixtures/simpleAuth/server.ts').SimpleAuthServer>} */
    const fixtures = {};
    let server;
    let context;
    let page;
    let profileDir;
    const openedPages = [];
    const timings = {};
    // Per process: other runs (e.g. a `mocha --config test/.mocharc.e2e.json --spec …`, which also loads this
    // file) may run at the same time.
    const workspace = path.join(TEST_OUTPUT_DIR, `e2e-oauth-${variant.method}-workspace-${process.pid}`);
    const shot = (name) => path.join(SCREENSHOTS, `oauth-${variant.method}-${name}.png`);

    before(async () => {
      fs.rmSync(workspace, { recursive: true, force: true });
      fs.mkdirSync(workspace, { recursive: true });
      fs.mkdirSync(SCREENSHOTS, { recursive: true });
      for (const c of CONNECTIONS) {
        fixtures[c.transport] = await startSimpleAuthServer({
          githubClientId: 'Iv1.e2e-oauth-app',
          githubClientSecret: 'e2e-oauth-app-secret',
          transport: c.transport,
        });
      }
      server = await startCodeServer({ workspace, extensionDevelopmentPath: ROOT, userSettings: variant.settings });
      // A persistent profile in the scratch folder, so the leak search can read what the browser stored.
      profileDir = path.join(server.dir, 'chromium-profile');
      const { chromium } = await import('playwright-core');
      context = await chromium.launchPersistentContext(profileDir, {
        executablePath: CHROMIUM,
        headless: true,
        args: [...CHROMIUM_ARGS],
        viewport: { width: 1400, height: 900 },
        timeout: 60000,
      });
      page = context.pages()[0] ?? (await context.newPage());
      context.on('page', (p) => openedPages.push(p));
      await openWorkbench(page, server.url, workspace, { extensionDevelopmentPath: ROOT });
    });

    afterEach(async function () {
      if (this.currentTest?.state === 'failed' && page) {
        await page.screenshot({ path: shot('failure') }).catch(() => undefined);
        fs.writeFileSync(shot('failure').replace(/\.png$/, '.html'), await page.content().catch(() => ''));
      }
    });

    after(async () => {
      await context?.close().catch(() => undefined);
      await server?.stop();
      fs.rmSync(workspace, { recursive: true, force: true });
      for (const f of Object.values(fixtures)) await f.close();
      if (Object.keys(timings).length) console.log(`      timings (${variant.method}): ${JSON.stringify(timings)}`);
    });

    const quickInput = () => page.locator('.quick-input-widget');
    const quickInputBox = () => page.locator('.quick-input-widget .quick-input-box input');
    const quickRows = () => page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    const view = () => page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Connections' }) });
    const treeRows = () => view().locator('.monaco-list-row');

    async function waitForStep(step, total) {
      await quickInput().waitFor({ state: 'visible' });
      await page
        .locator('.quick-input-widget .quick-input-title', { hasText: 'Add MCP Connection' })
        .waitFor({ state: 'visible' });
      await page.locator('.quick-input-widget', { hasText: `${step}/${total}` }).waitFor({ state: 'visible' });
    }

    /** Picks the quick-pick row whose label is exactly `label` (a detail may mention other labels: "… SSE responses"). */
    async function pickRow(label) {
      const exact = new RegExp(`^\\s*(?:\\$\\([a-z-]+\\)\\s*)?${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
      const row = quickRows()
        .filter({ has: page.locator('.label-name', { hasText: exact }) })
        .first();
      await row.waitFor({ state: 'visible' });
      await row.click();
    }

    /** The rendered tree rows in visual order (monaco lists position rows absolutely; DOM order is not visual order). */
    async function treeSnapshot() {
      return view()
        .locator('.monaco-list-row')
        .evaluateAll((rows) =>
          rows
            .map((r) => ({
              index: Number(r.getAttribute('data-index')),
              level: Number(r.getAttribute('aria-level')),
              expanded: r.getAttribute('aria-expanded'),
              text: (r.textContent ?? '').trim(),
            }))
            .sort((a, b) => a.index - b.index),
        );
    }

    /** Expands the connection and its Tools group as a user would, and returns the row of `toolName` under it. */
    async function toolRowUnder(c, toolName) {
      const rowAt = (index) => view().locator(`.monaco-list-row[data-index="${index}"]`);
      for (let attempt = 0; attempt < 20; attempt++) {
        const rows = await treeSnapshot();
        const at = rows.findIndex((r) => r.level === 1 && r.text.startsWith(c.name));
        if (at >= 0) {
          if (rows[at].expanded === 'false') {
            await rowAt(rows[at].index).click();
            continue;
          }
          const children = [];
          for (let i = at + 1; i < rows.length && rows[i].level > 1; i++) children.push(rows[i]);
          const tools = children.find((r) => r.level === 2 && /^Tools \(\d+\)/.test(r.text));
          if (tools?.expanded === 'false') {
            await rowAt(tools.index).click();
            continue;
          }
          const tool = children.find((r) => r.level === 3 && r.text.startsWith(toolName));
          if (tool) return rowAt(tool.index);
        }
        await sleep(500);
      }
      throw new Error(`${toolName} is not listed under ${c.name}: ${JSON.stringify(await treeSnapshot())}`);
    }

    function connectedRow(c) {
      return treeRows()
        .filter({ hasText: c.name })
        .filter({ hasText: `${c.pick} · connected` })
        .first();
    }

    it('sets the MCP Lens log channel to Trace, so the protocol trace lands in the log files searched at the end', async () => {
      await page.locator('.activitybar .action-item [aria-label^="MCP Lens"]').first().click();
      await page
        .locator('.welcome-view-content .monaco-button', { hasText: 'Add MCP Connection' })
        .waitFor({ state: 'visible', timeout: 30000 });
      // The channel is listed once the extension has created it: Show Log activates the extension.
      await runCommand(page, 'MCP Lens: Show Log');
      await page.locator('.part.panel').waitFor({ state: 'visible', timeout: 30000 });
      const channel = quickRows()
        .filter({ has: page.locator('.label-name', { hasText: /^\s*MCP Lens\s*$/ }) })
        .first();
      for (let deadline = Date.now() + 30000; ;) {
        await runCommand(page, 'Developer: Set Log Level...');
        await quickInputBox().fill('MCP Lens');
        if (
          await channel.waitFor({ state: 'visible', timeout: 2000 }).then(
            () => true,
            () => false,
          )
        ) {
          break;
        }
        assert.ok(Date.now() < deadline, 'the MCP Lens log channel is not offered by Developer: Set Log Level...');
        await page.keyboard.press('Escape');
      }
      await channel.click();
      await quickRows().filter({ hasText: 'Trace' }).first().waitFor({ state: 'visible' });
      await pickRow('Trace');
      await quickInput().waitFor({ state: 'hidden' });
      await runCommand(page, 'View: Hide Panel');
    });

    for (const c of CONNECTIONS) {
      it(`adds the ${c.pick} URL with the wizard, shows the consent page, and signs in on Authorize`, async () => {
        const fixture = fixtures[c.transport];
        const pagesBefore = openedPages.length;
        await runCommand(page, 'MCP Lens: Add MCP Connection');
        await waitForStep(1, 5);
        await pickRow(c.pick);
        await waitForStep(2, 5);
        await quickInputBox().fill(fixture.mcpUrl);
        await page.keyboard.press('Enter');
        await waitForStep(3, 5);
        await quickInputBox().fill(c.name);
        await page.keyboard.press('Enter');
        await waitForStep(4, 5);
        await pickRow('Done');
        await waitForStep(5, 5);
        const popup = context.waitForEvent('page', { timeout: 60000 });
        const started = Date.now();
        await pickRow(c.scope);
        await quickInput().waitFor({ state: 'hidden' });

        // The sign-in starts by itself: openExternal opens a tab in this browser; through the one-shot launch
        // redirect and the server's /authorize it lands on the GitHub stand-in's consent page.
        const consent = await popup;
        assert.equal(openedPages.length, pagesBefore + 1, 'exactly one browser tab was opened');
        const authorize = consent.getByRole('button', { name: 'Authorize' });
        await authorize.waitFor({ state: 'visible', timeout: 30000 });
        assert.ok(
          consent.url().startsWith(`${fixture.github.url}/login/oauth/authorize?`),
          `consent page at ${consent.url()}`,
        );
        await consent.locator('h1', { hasText: 'Authorize' }).waitFor();
        assert.match(await consent.locator('body').innerText(), new RegExp(`your account\\s+${DEMO_LOGIN}`));
        timings[`${c.short}ConsentShownMs`] = Date.now() - started;

        // Meanwhile VS Code shows the progress notification with Cancel (toasts are hidden with the smoke-test
        // driver; the notification center lists the same notifications).
        await runCommand(page, 'Notifications: Show Notifications');
        const signing = page.locator('.notifications-center .monaco-list-row', { hasText: `Signing in to ${c.name}…` });
        await signing.waitFor({ state: 'visible', timeout: 10000 });
        await signing.locator('.monaco-button', { hasText: 'Cancel' }).waitFor({ state: 'visible' });
        await page.keyboard.press('Escape');

        await consent.screenshot({ path: shot(`${c.short}-consent`) });
        await consent.bringToFront();
        const clicked = Date.now();
        await authorize.click();

        // The extension gets the callback, exchanges the code and reconnects: the tree says connected.
        await page.bringToFront();
        const row = connectedRow(c);
        await row.waitFor({ state: 'visible', timeout: 60000 });
        timings[`${c.short}AuthorizeToConnectedMs`] = Date.now() - clicked;
        timings[`${c.short}WizardToConnectedMs`] = Date.now() - started;

        // What the browser was left on: for the loopback redirect our success page; for the URI handler,
        // code-server's /callback page (it hands the URI to the workbench through the shared browser storage).
        if (!consent.isClosed()) {
          const landed = consent.url();
          if (variant.method === 'loopback') {
            assert.match(landed, new RegExp(`^${server.url}/proxy/\\d+/callback\\?`));
            await consent.locator('h1', { hasText: `You are signed in to ${c.name}.` }).waitFor({ timeout: 10000 });
          } else {
            assert.match(landed, new RegExp(`^${server.url}/(?:stable-[0-9a-f]+/)?callback\\?`));
          }
          // Our success page closes itself after 1.5 s: on a loaded machine that may come before the screenshot,
          // which is then only a picture lost, not a failure (the checks above already ran on the open page).
          await consent.screenshot({ path: shot(`${c.short}-callback-page`) }).catch((e) => {
            if (!consent.isClosed()) throw e;
          });
        }

        // The authorization server received exactly the redirect URI that was registered, in the form of
        // the redirect method.
        const requests = fixture.controls.authorizationRequests();
        assert.equal(requests.length, 1, 'one authorization request');
        const [request] = requests;
        assert.equal(request.redirectUriExplicit, true);
        const registered = fixture.controls.registeredClients();
        assert.equal(registered.length, 1, 'one dynamic client registration');
        assert.equal(registered[0].clientId, request.clientId);
        assert.deepEqual(
          registered[0].redirectUris,
          [request.redirectUri],
          'redirect_uri received = redirect_uri registered, byte for byte',
        );
        if (variant.method === 'loopback') {
          assert.match(request.redirectUri, new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/proxy/\\d+/callback$`));
        } else {
          assert.match(
            request.redirectUri,
            new RegExp(
              `^http://127\\.0\\.0\\.1:${server.port}/(?:stable-[0-9a-f]+/)?callback\\?vscode-reqid=\\d+&vscode-scheme=code-oss&vscode-authority=${EXTENSION_AUTHORITY.replace('.', '\\.')}&vscode-path=%2Foauth%2Fcallback$`,
            ),
          );
        }
        assert.equal(fixture.stats.count({ method: 'POST', path: '/token' }), 1, 'one code exchange');
        timings[`${c.short}FirstSignInRequests`] = fixture.stats.all.length;
        timings[`${c.short}FirstSignIn`] = fixture.stats.all.map((r) => `${r.method} ${r.path} ${r.status}`).join(', ');

        // The tree lists the server's tool.
        await (await toolRowUnder(c, 'get_user_profile')).hover();
        await page.screenshot({ path: shot(`${c.short}-signed-in-tree`) });
      });
    }

    for (const c of CONNECTIONS) {
      it(`calls get_user_profile on ${c.name} from its inline action and shows the demo user's profile`, async () => {
        // Under this connection's node: the tool rows of both connections carry the same name.
        const toolRow = await toolRowUnder(c, 'get_user_profile');
        await toolRow.hover();
        await toolRow.locator('[aria-label^="Call Tool"]').click();
        const tab = page.locator('.tab', { hasText: /tool-get_user_profile-\d+\.json/ }).last();
        await tab.waitFor({ state: 'visible', timeout: 30000 });
        await tab.click();
        const editorText = page.locator('.editor-instance .monaco-editor .view-lines').first();
        // Monaco renders spaces as no-break spaces. structuredContent carries the profile object.
        await page.waitForFunction(
          ([el, login]) => el?.textContent?.replace(/\u00a0/g, ' ').includes(`"login": "${login}"`),
          [await editorText.elementHandle(), DEMO_LOGIN],
          { timeout: 15000 },
        );
        const text = (await editorText.textContent()).replace(/\u00a0/g, ' ');
        assert.match(text, /"name": "Demo User"/);
        assert.doesNotMatch(text, /"isError": true/);
        await page.screenshot({ path: shot(`${c.short}-profile-result`) });
        // Close the result so the next one is the only editor.
        await page.keyboard.press('Control+W');
      });
    }

    it('shows both connections signed in, with their scopes, in the inspector panel', async () => {
      await runCommand(page, 'MCP Lens: Open Inspector', { timeoutMs: 60000 });
      const frame = page
        .frameLocator(`iframe.webview.ready[src*="extensionId=${EXTENSION_ID}"]`)
        .frameLocator('iframe#active-frame');
      for (const c of CONNECTIONS) {
        const row = frame.locator('.conn', { hasText: c.name });
        await row.waitFor({ timeout: 60000 });
        // The fixture's resource metadata lists the scope "user"; the status comes from the stored
        // token (scopes and expiry only: the webview never receives the token).
        await row.locator('text=/Signed in · user/').waitFor({ timeout: 30000 });
        assert.match((await row.textContent()) ?? '', /Signed in · user[\s\S]*expires/);
      }
      await page.screenshot({ path: shot('inspector-signed-in') });
      await runCommand(page, 'View: Close All Editors');
    });

    it('reloads the window and reconnects both with no browser, no /authorize and no /register', async () => {
      const before = {};
      for (const c of CONNECTIONS) before[c.transport] = fixtures[c.transport].stats.all.length;
      const pagesBefore = openedPages.length;
      for (const p of context.pages()) if (p !== page) await p.close();
      const reloaded = Date.now();
      await runCommand(page, 'Developer: Reload Window');
      await page.waitForLoadState('domcontentloaded');
      await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: 60000 });
      for (const c of CONNECTIONS) await connectedRow(c).waitFor({ state: 'visible', timeout: 60000 });
      timings.reloadToBothConnectedMs = Date.now() - reloaded;
      for (const c of CONNECTIONS) await toolRowUnder(c, 'get_user_profile');
      // Give a stray sign-in the time to show itself.
      await sleep(2000);
      assert.equal(openedPages.length, pagesBefore, 'no browser tab was opened');
      assert.deepEqual(context.pages(), [page]);
      for (const c of CONNECTIONS) {
        const fixture = fixtures[c.transport];
        const since = fixture.stats.all.slice(before[c.transport]);
        assert.equal(fixture.controls.authorizationRequests().length, 1, `${c.name}: no new authorization request`);
        assert.equal(since.filter((r) => r.path === '/authorize').length, 0, `${c.name}: no /authorize`);
        assert.equal(since.filter((r) => r.path === '/register').length, 0, `${c.name}: no /register`);
        assert.equal(
          since.filter((r) => r.path === '/token').length,
          0,
          `${c.name}: no token request (the access token is still valid)`,
        );
        assert.equal(
          since.filter((r) => r.status === 401).length,
          0,
          `${c.name}: no 401 (the stored token went with the first request)`,
        );
        timings[`${c.short}ReconnectRequests`] = since.length;
        timings[`${c.short}Reconnect`] = since.map((r) => `${r.method} ${r.path} ${r.status}`).join(', ');
        timings[`${c.short}ReconnectWellKnown`] = since.filter((r) => r.path.startsWith('/.well-known/')).length;
      }
      await page.screenshot({ path: shot('after-reload') });
    });

    it('leaves no access, refresh or upstream token in the user-data folder, settings, logs, trace or browser profile', async () => {
      const secrets = [...new Set(Object.values(fixtures).flatMap((f) => f.controls.issuedTokenValues()))];
      // Per fixture: one access + one refresh token of ours and one GitHub stand-in token.
      assert.equal(
        secrets.length,
        3 * CONNECTIONS.length,
        `tokens issued: ${secrets.map((s) => s.slice(0, 4)).join(' ')}`,
      );

      // Positive control: the tokens are in code-server's SecretStorage, the sealed localStorage entry.
      const sealed = await page.evaluate(() => localStorage.getItem('secrets.provider'));
      assert.ok(sealed, 'code-server keeps extension secrets in localStorage["secrets.provider"]');
      assert.equal(
        secrets.filter((s) => sealed.includes(s)).length,
        0,
        'the localStorage value is sealed, not plain text',
      );
      const serverHalf = fs.readFileSync(path.join(server.userDataDir, 'serve-web-key-half'));
      assert.equal(serverHalf.length, 32);
      const stored = await unsealCodeServerSecrets(sealed, serverHalf);
      const ours = Object.entries(stored).filter(([k]) => k.includes(EXTENSION_AUTHORITY));
      assert.ok(ours.length > 0, `MCP Lens secrets in SecretStorage (keys: ${Object.keys(stored).length})`);
      const ourText = ours.map(([, v]) => v).join('\n');
      const accessAndRefresh = secrets.filter((s) => !s.startsWith('gho_'));
      for (const s of accessAndRefresh) {
        assert.ok(ourText.includes(s), `a ${s.slice(0, 4)}… token the fixture issued is in SecretStorage`);
      }
      for (const s of secrets.filter((t) => t.startsWith('gho_'))) {
        assert.ok(!ourText.includes(s), 'the upstream GitHub token never reaches the client');
      }

      // The MCP Lens log (trace level: every message of the protocol trace, redacted) exists and has content.
      const mcpLensLogs = findFiles(server.userDataDir, /^MCP Lens\.log$/);
      assert.ok(mcpLensLogs.length >= 1, 'the MCP Lens log channel is in user-data/logs');
      const logText = mcpLensLogs.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
      assert.match(logText, /\[trace\]/, 'the log channel ran at trace level');
      assert.match(logText, /get_user_profile/);
      assert.match(logText, /octo-demo/, 'tool results are in the trace');

      // The search itself finds a token stored as UTF-16 or cut short, in a nested file.
      const probeDir = path.join(server.dir, 'search-self-test');
      fs.mkdirSync(path.join(probeDir, 'a', 'b'), { recursive: true });
      fs.writeFileSync(path.join(probeDir, 'a', 'b', 'utf16'), Buffer.from(`x${secrets[0]}y`, 'utf16le'));
      fs.writeFileSync(path.join(probeDir, 'a', 'truncated'), `token=${secrets[1].slice(0, 20)}…`);
      assert.deepEqual(
        searchForSecrets([probeDir], secrets)
          .hits.map((h) => path.basename(h.file))
          .sort(),
        ['truncated', 'utf16'],
      );
      fs.rmSync(probeDir, { recursive: true, force: true });

      // Stop code-server (and the browser) first so every store is flushed to disk, then search everything.
      await context.close();
      context = undefined;
      await server.stop();
      const roots = [server.dir, workspace];
      const inServerDir = searchForSecrets(roots, secrets);
      assert.ok(inServerDir.files > 20, `searched ${inServerDir.files} files`);
      // code-server keeps the workbench's storage (extension globalState/workspaceState: the saved
      // connections) in the browser's IndexedDB, not in a user-data state.vscdb as desktop VS Code does.
      // Check that the search covered it: the saved connections' URLs are there.
      const stateFiles = allFiles(profileDir)
        .filter((f) => f.includes(`${path.sep}IndexedDB${path.sep}`))
        .concat(findFiles(server.userDataDir, /^state\.vscdb/));
      const stateBytes = Buffer.concat(stateFiles.map((f) => fs.readFileSync(f)));
      for (const f of Object.values(fixtures)) {
        assert.ok(
          stateBytes.includes(Buffer.from(f.mcpUrl, 'latin1')) || stateBytes.includes(Buffer.from(f.mcpUrl, 'utf16le')),
          `the saved connection ${f.mcpUrl} is in the searched state storage`,
        );
      }
      assert.ok(
        allFiles(server.userDataDir).some((f) => path.basename(f) === 'settings.json'),
        'settings.json was searched',
      );
      assert.ok(
        fs.readdirSync(profileDir).length > 0 && allFiles(profileDir).some((f) => f.includes('Local Storage')),
        'the browser profile (with Local Storage) was searched',
      );
      timings.leakSearch = { files: inServerDir.files, megabytes: +(inServerDir.bytes / 1e6).toFixed(1) };
      assert.deepEqual(
        inServerDir.hits.map((h) => `${path.relative(ROOT, h.file)}: ${h.which}`),
        [],
        'no token in any file of the code-server folders, the workspace or the browser profile',
      );
    });
  });
}
