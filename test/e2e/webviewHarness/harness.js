/* global window, document, Element, MutationObserver */
// Plays the host side of src/shared/protocol.ts for dist/webview.js in a plain Chromium page:
// defines acquireVsCodeApi(), answers requests from a fixture (window.__harnessFixture, set by the
// test with page.addInitScript), records every message the webview posts (window.__harness.sent),
// and sets VS Code theme variables (light/dark) the way VS Code does (CSS variables + body class).
// Deterministic: no timers except those a fixture asks for (delayMs, progress steps).
(function () {
  'use strict';
  const THEMES = {
    dark: {
      kind: 'vscode-dark',
      vars: {
        'font-family': '-apple-system, BlinkMacSystemFont, "Segoe WPC", "Segoe UI", "Ubuntu", "Droid Sans", sans-serif',
        'font-size': '13px',
        'font-weight': 'normal',
        'editor-font-family': '"Droid Sans Mono", "monospace", monospace',
        'editor-font-size': '14px',
        foreground: '#cccccc',
        'editor-background': '#1f1f1f',
        'sideBar-background': '#181818',
        'sideBarTitle-foreground': '#cccccc',
        descriptionForeground: '#9d9d9d',
        errorForeground: '#f85149',
        focusBorder: '#0078d4',
        'widget-border': '#313131',
        'panel-border': '#2b2b2b',
        'panel-background': '#181818',
        'panelTitle-activeBorder': '#0078d4',
        'panelTitle-activeForeground': '#cccccc',
        'panelTitle-inactiveForeground': '#9d9d9d',
        'list-hoverBackground': '#2a2d2e',
        'list-activeSelectionBackground': '#04395e',
        'list-activeSelectionForeground': '#ffffff',
        'list-inactiveSelectionBackground': '#37373d',
        'badge-background': '#616161',
        'badge-foreground': '#f8f8f8',
        'button-background': '#0078d4',
        'button-foreground': '#ffffff',
        'button-hoverBackground': '#026ec1',
        'button-border': '#ffffff12',
        'button-secondaryBackground': '#313131',
        'button-secondaryForeground': '#cccccc',
        'button-secondaryHoverBackground': '#3c3c3c',
        'input-background': '#313131',
        'input-foreground': '#cccccc',
        'input-placeholderForeground': '#989898',
        'dropdown-background': '#313131',
        'dropdown-foreground': '#cccccc',
        'dropdown-border': '#3c3c3c',
        'checkbox-background': '#313131',
        'checkbox-border': '#3c3c3c',
        'checkbox-foreground': '#cccccc',
        'textLink-foreground': '#4daafc',
        'textLink-activeForeground': '#4daafc',
        'textCodeBlock-background': '#2b2b2b',
        'textBlockQuote-background': '#2b2b2b',
        'textPreformat-foreground': '#d0d0d0',
        'progressBar-background': '#0078d4',
        'inputValidation-errorBackground': '#5a1d1d',
        'inputValidation-warningBackground': '#352a05',
        'editorWarning-foreground': '#cca700',
        'testing-iconPassed': '#73c991',
        'charts-green': '#89d185',
        'charts-blue': '#3794ff',
        'charts-purple': '#b180d7',
        'charts-yellow': '#cca700',
        'tree-indentGuidesStroke': '#585858',
        'debugTokenExpression-name': '#c586c0',
        'debugTokenExpression-string': '#ce9178',
        'debugTokenExpression-number': '#b5cea8',
        'debugTokenExpression-boolean': '#4e94ce',
        'symbolIcon-propertyForeground': '#9cdcfe',
        'editorWidget-background': '#202020',
        'settings-dropdownListBorder': '#454545',
        'scrollbarSlider-background': '#79797966',
        'scrollbarSlider-hoverBackground': '#646464b3',
        'scrollbarSlider-activeBackground': '#bfbfbf66',
      },
    },
    light: {
      kind: 'vscode-light',
      vars: {
        'font-family': '-apple-system, BlinkMacSystemFont, "Segoe WPC", "Segoe UI", "Ubuntu", "Droid Sans", sans-serif',
        'font-size': '13px',
        'font-weight': 'normal',
        'editor-font-family': '"Droid Sans Mono", "monospace", monospace',
        'editor-font-size': '14px',
        foreground: '#3b3b3b',
        'editor-background': '#ffffff',
        'sideBar-background': '#f8f8f8',
        'sideBarTitle-foreground': '#3b3b3b',
        descriptionForeground: '#3b3b3b',
        errorForeground: '#f85149',
        focusBorder: '#005fb8',
        'widget-border': '#e5e5e5',
        'panel-border': '#e5e5e5',
        'panel-background': '#f8f8f8',
        'panelTitle-activeBorder': '#005fb8',
        'panelTitle-activeForeground': '#3b3b3b',
        'panelTitle-inactiveForeground': '#3b3b3b',
        'list-hoverBackground': '#f2f2f2',
        'list-activeSelectionBackground': '#e8e8e8',
        'list-activeSelectionForeground': '#000000',
        'list-inactiveSelectionBackground': '#e4e6f1',
        'badge-background': '#cccccc',
        'badge-foreground': '#3b3b3b',
        'button-background': '#005fb8',
        'button-foreground': '#ffffff',
        'button-hoverBackground': '#0258a8',
        'button-border': '#0000001a',
        'button-secondaryBackground': '#e5e5e5',
        'button-secondaryForeground': '#3b3b3b',
        'button-secondaryHoverBackground': '#cccccc',
        'input-background': '#ffffff',
        'input-foreground': '#3b3b3b',
        'input-placeholderForeground': '#767676',
        'dropdown-background': '#ffffff',
        'dropdown-foreground': '#3b3b3b',
        'dropdown-border': '#cecece',
        'checkbox-background': '#f8f8f8',
        'checkbox-border': '#cecece',
        'checkbox-foreground': '#3b3b3b',
        'textLink-foreground': '#005fb8',
        'textLink-activeForeground': '#005fb8',
        'textCodeBlock-background': '#f2f2f2',
        'textBlockQuote-background': '#f8f8f8',
        'textPreformat-foreground': '#3b3b3b',
        'progressBar-background': '#005fb8',
        'inputValidation-errorBackground': '#f2dede',
        'inputValidation-warningBackground': '#f6f5d2',
        'editorWarning-foreground': '#bf8803',
        'testing-iconPassed': '#388a34',
        'charts-green': '#388a34',
        'charts-blue': '#1a85ff',
        'charts-purple': '#652d90',
        'charts-yellow': '#bf8803',
        'tree-indentGuidesStroke': '#a9a9a9',
        'debugTokenExpression-name': '#9b46b0',
        'debugTokenExpression-string': '#a31515',
        'debugTokenExpression-number': '#098658',
        'debugTokenExpression-boolean': '#0000ff',
        'symbolIcon-propertyForeground': '#001080',
        'editorWidget-background': '#f8f8f8',
        'settings-dropdownListBorder': '#cecece',
        'scrollbarSlider-background': '#64646466',
        'scrollbarSlider-hoverBackground': '#646464b3',
        'scrollbarSlider-activeBackground': '#00000099',
      },
    },
  };

  // Security observers: CSP violations, and every active or navigating element inserted later.
  const violations = [];
  const inserted = [];
  document.addEventListener('securitypolicyviolation', (e) =>
    violations.push(e.violatedDirective + ' ' + e.blockedURI),
  );
  new MutationObserver((records) => {
    for (const r of records) {
      for (const n of r.addedNodes) {
        if (!(n instanceof Element)) continue;
        for (const el of [n, ...n.querySelectorAll('*')]) {
          if (/^(SCRIPT|IFRAME|OBJECT|EMBED|A|BASE|FORM|META|LINK|svg|STYLE)$/i.test(el.tagName)) {
            inserted.push(
              el.tagName +
                ' ' +
                (el.getAttribute('src') || el.getAttribute('href') || (el.hasAttribute('nonce') ? 'nonce' : '')),
            );
          }
        }
      }
    }
  }).observe(document, { childList: true, subtree: true });
  function verdict() {
    return {
      pwned: window.__pwned,
      violations,
      // The toolkit's own nonce'd <style> probe (FAST canUseFocusVisible) is the only insertion allowed.
      // The page's own bundle tag is parsed after this script: the only other allowed insertion.
      inserted: inserted.filter(
        (t) => t !== 'STYLE nonce' && !/^SCRIPT http:\/\/127\.0\.0\.1:\d+\/dist\/webview\.js$/.test(t),
      ),
      imgX: document.querySelectorAll('img[src="x"]').length,
      scripts: document.querySelectorAll('script').length,
      svg: document.querySelectorAll('svg').length,
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      sidebar: document.querySelector('.sidebar').getBoundingClientRect().width,
      mainRight: document.querySelector('.main').getBoundingClientRect().right,
    };
  }

  const fixture = window.__harnessFixture || { connections: [], details: {}, trace: {}, traceMessages: {}, tools: {} };
  const sent = [];
  const clipboard = [];
  const pendingCalls = new Map(); // callId -> { id, timer }
  let selected = null;

  function setTheme(name) {
    const theme = THEMES[name];
    const style = document.documentElement.style;
    for (const [k, v] of Object.entries(theme.vars)) style.setProperty('--vscode-' + k, v);
    document.body.setAttribute('data-vscode-theme-kind', theme.kind);
    // The toolkit re-reads the variables when the body's class changes (as in VS Code).
    document.body.className = theme.kind;
  }

  function post(message) {
    window.dispatchEvent(new MessageEvent('message', { data: JSON.parse(JSON.stringify(message)) }));
  }
  function notify(method, params) {
    post({ kind: 'notification', method, params });
  }
  function reply(id, result) {
    post({ kind: 'response', id, ok: true, result });
  }
  function fail(id, error) {
    post({ kind: 'response', id, ok: false, error });
  }

  /**
   * The era-specific parts of an outcome (resultType, cache hint) the fixture gives for one call,
   * keyed "<method> <name or uri>" (plus " refresh" for a read that bypasses the cache). A cache
   * hint's `receivedAgoMs` becomes `receivedAt` relative to now, so "12 s left" is stable.
   */
  function outcomeMeta(method, key, cache) {
    const all = fixture.outcomeMeta || {};
    const meta = all[method + ' ' + key + (cache === 'refresh' ? ' refresh' : '')] || all[method + ' ' + key];
    if (!meta) return {};
    const out = JSON.parse(JSON.stringify(meta));
    if (out.cache && typeof out.cache.receivedAgoMs === 'number') {
      out.cache.receivedAt = Date.now() - out.cache.receivedAgoMs;
      delete out.cache.receivedAgoMs;
    }
    return out;
  }

  function handleRequest(m) {
    const p = m.params;
    switch (m.method) {
      case 'tools/call': {
        const behaviour = (fixture.tools || {})[p.name];
        if (!behaviour) return fail(m.id, { code: 'protocol', message: 'Unknown tool ' + p.name });
        if (behaviour.hang) {
          pendingCalls.set(p.callId, { id: m.id });
          if (behaviour.progress) {
            notify('call/progress', { callId: p.callId, progress: 1, total: 4, message: 'step 1 of 4' });
          }
          return;
        }
        if (p.asTask && behaviour.task) return runTask(m.id, p, behaviour);
        const result =
          typeof behaviour.result === 'string' && behaviour.result === '$echo'
            ? { content: [{ type: 'text', text: JSON.stringify(p.args) }] }
            : behaviour.result;
        const finish = () =>
          reply(m.id, { result, durationMs: behaviour.durationMs ?? 12, ...outcomeMeta('tools/call', p.name) });
        if (behaviour.delayMs) setTimeout(finish, behaviour.delayMs);
        else finish();
        return;
      }
      case 'resources/read': {
        const r = (fixture.resources || {})[p.uri];
        if (!r) return fail(m.id, { code: 'protocol', message: 'Resource not found: ' + p.uri });
        return reply(m.id, { result: r, durationMs: 5, ...outcomeMeta('resources/read', p.uri, p.cache) });
      }
      case 'lists/refresh': {
        window.__harness.listRefreshes = (window.__harness.listRefreshes || 0) + 1;
        return reply(m.id, { refreshed: true });
      }
      case 'resources/subscribe':
        return reply(m.id, { subscribed: true });
      case 'resources/unsubscribe':
        return reply(m.id, { subscribed: false });
      case 'prompts/get': {
        const r = (fixture.prompts || {})[p.name];
        if (!r) return fail(m.id, { code: 'protocol', message: 'Unknown prompt' });
        return reply(m.id, { result: r, durationMs: 7, ...outcomeMeta('prompts/get', p.name) });
      }
      case 'trace/list':
        return reply(m.id, { entries: (fixture.trace || {})[p.connectionId] || [] });
      case 'trace/entry': {
        const msg = ((fixture.traceMessages || {})[p.connectionId] || {})[p.seq];
        if (msg === undefined) return fail(m.id, { code: 'not-found', message: 'No such entry' });
        return reply(m.id, { message: msg });
      }
      case 'trace/curl':
        return reply(m.id, {
          curl: fixture.curl || 'curl -X POST \'http://127.0.0.1/mcp\' -H "Authorization: Bearer $MCP_TOKEN"',
        });
      case 'history/export':
        window.__harness.exported = p.json;
        return reply(m.id, { saved: true });
      // The Auth tab: the vault from the fixture; its actions change it as the real host would.
      case 'auth/vault':
        return reply(m.id, { vault: auth.vaults[p.connectionId] || null });
      case 'auth/trace': {
        const kept = sessionStorage.getItem('harness-trace-' + p.connectionId);
        return reply(m.id, { trace: kept ? JSON.parse(kept) : null });
      }
      case 'auth/refreshNow': {
        const v = auth.vaults[p.connectionId];
        if (!v || !v.hasRefreshToken) return fail(m.id, { code: 'failed', message: 'No refresh token.' });
        v.obtainedAt = Date.now();
        v.expiresAt = Date.now() + 3600 * 1000;
        return reply(m.id, { vault: v });
      }
      case 'auth/revoke': {
        const v = auth.vaults[p.connectionId];
        if (v) {
          auth.vaults[p.connectionId] = {
            connectionId: v.connectionId,
            state: 'none',
            resource: v.resource,
            issuer: v.issuer,
            scopes: [],
            hasRefreshToken: false,
            registration: v.registration,
          };
        }
        return reply(m.id, { vault: auth.vaults[p.connectionId] || null });
      }
      case 'auth/forgetRegistration': {
        const v = auth.vaults[p.connectionId];
        if (v) delete v.registration;
        return reply(m.id, { vault: v || null });
      }
      case 'auth/copyToken':
        // The real host asks in a modal and copies itself; the webview only learns the answer.
        return reply(m.id, { copied: true });
      case 'auth/export':
        window.__harness.authExports.push(p.format);
        // A fixture may make the host's export fail (a read-only folder, say) to test the message.
        if (fixture.authExportError) return fail(m.id, { code: 'invalid-config', message: fixture.authExportError });
        return reply(m.id, { saved: true });
      // Answering the server: the queue changes as the real ServerRequestQueue would.
      case 'serverRequest/answer': {
        answers.push(p);
        const queue = queues[p.connectionId] || [];
        const r = queue.find((x) => x.id === p.requestId);
        if (!r || r.state !== 'pending' || (r.deadline !== undefined && r.deadline <= Date.now())) {
          return fail(m.id, {
            code: 'not-found',
            message: 'The request ' + p.requestId + ' is no longer pending (timed out after 60 s).',
          });
        }
        const a = p.reply.action;
        r.state = a === 'accept' || a === 'send' ? 'answered' : a === 'decline' ? 'declined' : 'cancelled';
        r.outcome =
          a === 'accept' && p.reply.content
            ? 'accepted with ' + Object.keys(p.reply.content).length + ' fields'
            : a === 'accept'
              ? 'opened after consent'
              : a === 'send'
                ? 'sent a reply'
                : a + 'd by the user';
        r.answeredAt = Date.now();
        reply(m.id, { state: r.state });
        return publishQueue(p.connectionId);
      }
      case 'sampling/models':
        return reply(m.id, { models: fixture.languageModels || [] });
      case 'sampling/generate':
        window.__harness.generated.push(p);
        if (!fixture.samplingDraft) return fail(m.id, { code: 'failed', message: 'No language model is available.' });
        return reply(m.id, { result: fixture.samplingDraft });
      case 'roots/set': {
        const d = (fixture.details || {})[p.connectionId];
        const roots =
          p.roots === null
            ? { source: 'workspace', roots: workspaceRoots[p.connectionId] || [] }
            : { source: 'custom', roots: p.roots };
        if (d) d.roots = roots;
        reply(m.id, roots);
        if (d) notify('connection/details', d);
        return;
      }
      case 'completion/complete': {
        const all = (fixture.completions || {})[p.argument.name];
        if (!all) {
          return fail(m.id, { code: 'protocol', message: 'MCP error -32602: no completions for ' + p.argument.name });
        }
        const values = all.filter((v) => v.toLowerCase().startsWith(p.argument.value.toLowerCase()));
        return reply(m.id, { values, total: values.length, hasMore: false });
      }
      case 'logging/setLevel': {
        const d = (fixture.details || {})[p.connectionId];
        if (d) d.logLevel = p.level;
        return reply(m.id, { level: p.level });
      }
      case 'serverLog/list':
        return reply(m.id, { entries: (fixture.serverLog || {})[p.connectionId] || [] });
      case 'tasks/list':
        return reply(m.id, { tasks: tasks[p.connectionId] || [] });
      case 'tasks/cancel': {
        const t = (tasks[p.connectionId] || []).find((x) => x.taskId === p.taskId);
        if (!t) return fail(m.id, { code: 'not-found', message: 'No task ' + p.taskId });
        t.status = 'cancelled';
        t.statusMessage = 'Cancelled by the user';
        t.lastUpdatedAt = new Date().toISOString();
        reply(m.id, { task: t });
        return notify('tasks/changed', { connectionId: p.connectionId, tasks: tasks[p.connectionId] });
      }
      case 'tasks/result': {
        const r = (fixture.taskResults || {})[p.taskId];
        if (!r) return fail(m.id, { code: 'not-found', message: 'The task has no result yet.' });
        return reply(m.id, { result: r, durationMs: 1234 });
      }
      // Saved checks: the fixture's files per connection; a save appends to them (and is recorded), a run
      // answers with the fixture's results of the checks asked for.
      case 'checks/list':
        return reply(m.id, {
          files: checks.files[p.connectionId] || [],
          defaultFile: checks.defaultFile === undefined ? '.vscode/mcp-lens/server.json' : checks.defaultFile,
        });
      case 'checks/save': {
        window.__harness.savedChecks.push(p);
        if (checks.saveError) return fail(m.id, { code: 'failed', message: checks.saveError });
        const files = (checks.files[p.connectionId] = checks.files[p.connectionId] || []);
        let file = files.find((f) => f.file === p.file);
        if (!file) files.push((file = { file: p.file, checks: [] }));
        const check = { name: p.name, kind: p.kind, target: p.target };
        file.checks.push(check);
        return reply(m.id, { file: p.file, check });
      }
      case 'checks/run': {
        window.__harness.checkRuns.push(p);
        const results = [];
        for (const file of checks.files[p.connectionId] || []) {
          if (p.file && file.file !== p.file) continue;
          for (const c of file.checks) {
            if (p.name && c.name !== p.name) continue;
            const r = (checks.results || {})[c.name];
            if (r) results.push(Object.assign({ file: file.file, name: c.name, kind: c.kind }, r));
          }
        }
        const passed = results.filter((r) => r.passed).length;
        return reply(m.id, { results, passed, failed: results.length - passed, cancelled: false });
      }
      // The playground: plays the host's session with a model like test/fixtures/lmProvider's.
      case 'playground/models':
        return reply(m.id, { models: fixture.languageModels || [] });
      case 'playground/get':
        return reply(m.id, playgroundView(p.connectionId));
      case 'playground/send': {
        window.__harness.playgroundSent.push(p);
        const pg = playgroundOf(p.connectionId);
        if (pg.state !== 'idle') {
          return fail(m.id, {
            code: 'invalid-config',
            message: 'The model is still answering the last message.',
            hint: 'Wait for it, or press Stop.',
          });
        }
        pg.modelId = p.modelId;
        pg.entries.push({ id: 'p' + pg.next++, kind: 'user', text: p.text });
        pg.state = 'thinking';
        reply(m.id, playgroundView(p.connectionId));
        return playgroundAnswer(p.connectionId, p.text);
      }
      case 'playground/decide': {
        window.__harness.playgroundDecisions.push(p);
        const pg = playgroundOf(p.connectionId);
        const e = pg.entries.find((x) => x.id === p.entryId);
        if (!e || e.state !== 'pending') {
          return fail(m.id, { code: 'not-found', message: 'That tool call is no longer waiting for a decision.' });
        }
        if (p.approve) {
          const behaviour = (fixture.tools || {})[e.tool] || {};
          const result = behaviour.result === '$echo' ? JSON.stringify(e.args) : JSON.stringify(behaviour.result);
          e.state = 'done';
          e.resultText = result;
        } else {
          e.state = 'denied';
          e.resultText = 'The user denied the call of ' + e.tool + '; it did not run.';
        }
        pg.entries.push({ id: 'p' + pg.next++, kind: 'assistant', text: 'Tool ' + e.tool + ' said: ' + e.resultText });
        pg.state = 'idle';
        reply(m.id, playgroundView(p.connectionId));
        return notify('playground/changed', playgroundView(p.connectionId));
      }
      case 'playground/cancel': {
        const pg = playgroundOf(p.connectionId);
        if (pg.state !== 'idle') {
          for (const e of pg.entries) if (e.state === 'pending') e.state = 'cancelled';
          pg.entries.push({ id: 'p' + pg.next++, kind: 'notice', text: 'Stopped.' });
          pg.state = 'idle';
        }
        reply(m.id, playgroundView(p.connectionId));
        return notify('playground/changed', playgroundView(p.connectionId));
      }
      case 'playground/clear': {
        const pg = playgroundOf(p.connectionId);
        pg.entries = [];
        pg.state = 'idle';
        reply(m.id, playgroundView(p.connectionId));
        return notify('playground/changed', playgroundView(p.connectionId));
      }
      default:
        return fail(m.id, { code: 'invalid-message', message: 'unknown request' });
    }
  }

  // The playground's sessions per connection. The model: `call <tool> with <json>` asks for that tool
  // (a pending call, answered by playground/decide); `hold` keeps it thinking until Stop; anything else
  // is answered "Draft for: <text>" in two streamed parts.
  const playgrounds = {};
  function playgroundOf(connectionId) {
    return (playgrounds[connectionId] = playgrounds[connectionId] || { entries: [], state: 'idle', next: 1 });
  }
  function playgroundView(connectionId) {
    const pg = playgroundOf(connectionId);
    return JSON.parse(
      JSON.stringify({
        connectionId,
        ...(pg.modelId ? { modelId: pg.modelId } : {}),
        state: pg.state,
        entries: pg.entries,
      }),
    );
  }
  function playgroundAnswer(connectionId, text) {
    const pg = playgroundOf(connectionId);
    const publish = () => notify('playground/changed', playgroundView(connectionId));
    if (text === 'hold') return publish();
    const call = /\bcall (\S+) with (\{[\s\S]*\})\s*$/.exec(text);
    if (call) {
      pg.entries.push({ id: 'p' + pg.next++, kind: 'assistant', text: 'Calling ' + call[1] + '.' });
      pg.entries.push({
        id: 'p' + pg.next++,
        kind: 'tool-call',
        tool: call[1],
        args: JSON.parse(call[2]),
        state: 'pending',
      });
      pg.state = 'waiting';
      return publish();
    }
    const answer = { id: 'p' + pg.next++, kind: 'assistant', text: 'Draft for: ' };
    pg.entries.push(answer);
    publish();
    setTimeout(() => {
      answer.text += text;
      pg.state = 'idle';
      publish();
    }, 20);
  }

  // Answering the server and tasks: live copies of the fixture's queues and tasks.
  const queues = JSON.parse(JSON.stringify(fixture.serverRequests || {}));
  const tasks = JSON.parse(JSON.stringify(fixture.tasks || {}));
  const answers = [];
  const checks = JSON.parse(JSON.stringify(fixture.checks || { files: {} }));
  const workspaceRoots = {};
  for (const [id, d] of Object.entries(fixture.details || {})) {
    if (d.roots) workspaceRoots[id] = JSON.parse(JSON.stringify(d.roots.roots));
  }
  function publishQueue(connectionId) {
    const queue = queues[connectionId] || [];
    // Pending first, then the most recent ended ones (ServerRequestQueue.requests).
    const ordered = [
      ...queue.filter((r) => r.state === 'pending'),
      ...queue.filter((r) => r.state !== 'pending').sort((a, b) => (b.answeredAt || 0) - (a.answeredAt || 0)),
    ];
    notify('serverRequests/changed', { connectionId, requests: ordered });
  }
  function enqueue(request) {
    (queues[request.connectionId] = queues[request.connectionId] || []).push(request);
    publishQueue(request.connectionId);
  }
  function timeOut(connectionId, requestId) {
    const r = (queues[connectionId] || []).find((x) => x.id === requestId);
    if (!r) return;
    r.state = 'timed-out';
    r.outcome = 'timed out after 60 s';
    r.answeredAt = Date.now();
    publishQueue(connectionId);
  }
  function runTask(id, p, behaviour) {
    const now = new Date().toISOString();
    const task = {
      taskId: behaviour.task.taskId,
      connectionId: p.connectionId,
      status: 'working',
      statusMessage: 'Started',
      createdAt: now,
      lastUpdatedAt: now,
      toolName: p.name,
      callId: p.callId,
      progress: { progress: 0, total: behaviour.task.steps },
    };
    const list = (tasks[p.connectionId] = tasks[p.connectionId] || []);
    list.unshift(task);
    notify('tasks/changed', { connectionId: p.connectionId, tasks: list });
    let step = 0;
    const timer = setInterval(() => {
      step++;
      task.lastUpdatedAt = new Date().toISOString();
      task.progress = {
        progress: step,
        total: behaviour.task.steps,
        message: 'step ' + step + ' of ' + behaviour.task.steps,
      };
      task.statusMessage = 'Working on step ' + step;
      if (step >= behaviour.task.steps) {
        clearInterval(timer);
        task.status = 'completed';
        task.statusMessage = 'Done';
        notify('tasks/changed', { connectionId: p.connectionId, tasks: list });
        reply(id, { result: behaviour.result, durationMs: behaviour.task.steps * behaviour.task.stepMs });
        return;
      }
      notify('tasks/changed', { connectionId: p.connectionId, tasks: list });
    }, behaviour.task.stepMs);
  }

  function handleCommand(m) {
    if (m.method === 'view/select') {
      selected = m.params.connectionId;
      const d = selected && (fixture.details || {})[selected];
      if (d) notify('connection/details', d);
      if (selected && queues[selected]) publishQueue(selected);
    } else if (m.method === 'call/cancel') {
      const call = pendingCalls.get(m.params.callId);
      if (call) {
        pendingCalls.delete(m.params.callId);
        fail(call.id, { code: 'cancelled', message: 'tools/call was cancelled.' });
      }
    } else if (m.method === 'clipboard/write') {
      clipboard.push(m.params.text);
    } else if (m.method.startsWith('auth/debug/')) {
      handleDebug(m);
    }
  }

  // Plays AuthDebugger: the fixture's eight recorded step results, released one per Next.
  const auth = { vaults: JSON.parse(JSON.stringify(fixture.authVaults || {})), sessions: new Map() };
  function publishTrace(connectionId, trace) {
    if (trace.state !== 'running' && trace.state !== 'paused') {
      sessionStorage.setItem('harness-trace-' + connectionId, JSON.stringify(trace));
    }
    notify('auth/trace', { connectionId, trace });
  }
  function info(step) {
    return { id: step.id, index: step.index, title: step.title };
  }
  function advance(connectionId) {
    const s = auth.sessions.get(connectionId);
    const flow = fixture.authFlow;
    const step = flow.steps[s.done];
    s.done++;
    s.trace = { ...s.trace, steps: [...s.trace.steps, step], next: undefined, state: 'running' };
    if (step.status === 'fail' || s.done === flow.steps.length) {
      s.trace = {
        ...s.trace,
        state: step.status === 'fail' ? 'failed' : 'succeeded',
        finishedAt: s.trace.startedAt + 1234,
        ...(step.status === 'fail' ? { error: step.summary } : {}),
      };
      auth.sessions.delete(connectionId);
      publishTrace(connectionId, s.trace);
      return false;
    }
    s.trace = { ...s.trace, next: info(flow.steps[s.done]), state: s.mode === 'step' ? 'paused' : 'running' };
    publishTrace(connectionId, s.trace);
    return true;
  }
  function handleDebug(m) {
    const id = m.params.connectionId;
    const flow = fixture.authFlow;
    if (m.method === 'auth/debug/start') {
      const s = {
        mode: m.params.mode,
        done: 0,
        trace: {
          resource: flow.resource,
          serverName: flow.serverName,
          mode: m.params.mode,
          state: 'paused',
          startedAt: Date.now(),
          steps: [],
          next: info(flow.steps[0]),
        },
      };
      auth.sessions.set(id, s);
      if (s.mode === 'run') {
        s.trace.state = 'running';
        while (advance(id));
      } else {
        publishTrace(id, s.trace);
      }
    } else if (m.method === 'auth/debug/next') {
      if (auth.sessions.has(id)) advance(id);
    } else if (m.method === 'auth/debug/continue') {
      const s = auth.sessions.get(id);
      if (s) {
        s.mode = 'run';
        s.trace.mode = 'run';
        while (advance(id));
      }
    } else if (m.method === 'auth/debug/cancel') {
      const s = auth.sessions.get(id);
      if (s) {
        auth.sessions.delete(id);
        publishTrace(id, { ...s.trace, state: 'cancelled', next: undefined, finishedAt: Date.now() });
      }
    }
  }

  const api = {
    postMessage(message) {
      // Structured clone, as VS Code does: the webview cannot hand the host live objects.
      const m = JSON.parse(JSON.stringify(message));
      sent.push(m);
      if (m.kind === 'ready') notify('init', { connections: fixture.connections || [], focus: fixture.focus });
      else if (m.kind === 'request') handleRequest(m);
      else if (m.kind === 'command') handleCommand(m);
    },
    getState() {
      const s = sessionStorage.getItem('harness-state');
      return s ? JSON.parse(s) : undefined;
    },
    setState(state) {
      sessionStorage.setItem('harness-state', JSON.stringify(state));
    },
  };
  let acquired = false;
  window.acquireVsCodeApi = function () {
    if (acquired) throw new Error('acquireVsCodeApi may only be called once');
    acquired = true;
    return api;
  };
  window.__harness = {
    sent,
    clipboard,
    notify,
    setTheme,
    fixture,
    verdict,
    get selected() {
      return selected;
    },
    pendingCalls,
    answers,
    generated: [],
    playgroundSent: [],
    playgroundDecisions: [],
    enqueue,
    timeOut,
    queues,
    tasks,
    authExports: [],
    auth,
    savedChecks: [],
    checkRuns: [],
  };
  setTheme(fixture.theme || 'dark');
})();
