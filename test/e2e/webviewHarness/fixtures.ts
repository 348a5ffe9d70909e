/**
 * Fixtures the harness host answers with: three connections (signed in, plain stdio, sign-in
 * required), tools whose schemas cover every form control, resources, a template, a prompt and a
 * trace; plus a hostile connection whose every string tries to become markup or script.
 */
import type { ConnectionDetails, ConnectionView, JsonObject, TraceEntryView } from '../../../src/shared/protocol';

export interface HarnessFixture {
  connections: ConnectionView[];
  details: Record<string, ConnectionDetails>;
  tools: Record<
    string,
    {
      result?: JsonObject | '$echo';
      hang?: boolean;
      progress?: boolean;
      delayMs?: number;
      durationMs?: number;
      /** Called with asTask: the harness reports the task working (with progress), then completed, via tasks/changed. */
      task?: { taskId: string; steps: number; stepMs: number };
    }
  >;
  resources: Record<string, JsonObject>;
  prompts: Record<string, JsonObject>;
  trace: Record<string, TraceEntryView[]>;
  traceMessages: Record<string, Record<number, unknown>>;
  curl?: string;
  theme?: 'light' | 'dark';
  focus?: { connectionId: string; tab?: string; item?: string };
  /** The Auth tab: vaults per connection and the recorded debugger flow the harness replays. */
  authVaults?: Record<string, import('../../../src/shared/protocol').VaultView>;
  authFlow?: { resource: string; serverName: string; steps: import('../../../src/shared/protocol').FlowStepView[] };
  /**
   * resultType and cache hints per call, keyed "<method> <name or uri>" (" refresh" appended for a read
   * with cache: 'refresh'); `cache.receivedAgoMs` is turned into `receivedAt` at reply time.
   */
  outcomeMeta?: Record<string, JsonObject>;
  /** When set, the host refuses to export the trace with this message. */
  authExportError?: string;
  /** Answering the server (webviewAnswer.test.ts): the queue per connection, pushed after view/select. */
  serverRequests?: Record<string, import('../../../src/shared/protocol').ServerRequestView[]>;
  languageModels?: import('../../../src/shared/protocol').LanguageModelView[];
  /** What sampling/generate drafts (a CreateMessageResult). */
  samplingDraft?: JsonObject;
  /** completion/complete: the values per argument name; the harness keeps those starting with what was typed. */
  completions?: Record<string, string[]>;
  serverLog?: Record<string, import('../../../src/shared/protocol').ServerLogView[]>;
  tasks?: Record<string, import('../../../src/shared/protocol').TaskView[]>;
  /** tasks/result per task id (a CallToolResult). */
  taskResults?: Record<string, JsonObject>;
  /**
   * Saved checks (webviewChecks.test.ts): the files per connection, where Save as check proposes to
   * write (null: no workspace folder), the result of each check by name, and an error every save fails with.
   */
  checks?: {
    files: Record<string, import('../../../src/shared/protocol').ChecksFileView[]>;
    defaultFile?: string | null;
    results?: Record<string, { passed: boolean; durationMs: number; failures: string[] }>;
    saveError?: string;
  };
}

// 2x2 PNG (red/green/blue/white) and a 44-byte silent WAV, base64.
export const PNG_2x2 =
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP4z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==';
export const WAV_SILENT = 'UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAEAfAAABAAgAZGF0YQAAAAA=';

const counts = (d: Omit<ConnectionDetails, 'connectionId' | 'server'>) => ({
  tools: d.tools.length,
  resources: d.resources.length,
  resourceTemplates: d.resourceTemplates.length,
  prompts: d.prompts.length,
});

export const createUserSchema: JsonObject = {
  type: 'object',
  properties: {
    name: { type: 'string', title: 'Full name', description: 'The name shown to other users.', minLength: 2 },
    email: { type: 'string', format: 'email', description: 'Where to send the invitation.' },
    age: { type: 'integer', minimum: 0, maximum: 150 },
    role: {
      type: 'string',
      enum: ['viewer', 'editor', 'admin'],
      default: 'viewer',
      description: 'What the user may do.',
    },
    active: { type: 'boolean', default: true },
    tags: { type: 'array', items: { type: 'string' }, maxItems: 3, description: 'Free-form labels.' },
    address: {
      type: 'object',
      description: 'Postal address.',
      properties: {
        street: { type: 'string' },
        city: { type: 'string' },
        zip: { type: 'string', pattern: '^[0-9]{5}$' },
      },
      required: ['city'],
    },
    contact: {
      description: 'How to reach the user.',
      oneOf: [
        {
          title: 'Email',
          type: 'object',
          properties: { kind: { const: 'email' }, address: { type: 'string', format: 'email' } },
          required: ['kind', 'address'],
        },
        {
          title: 'Phone',
          type: 'object',
          properties: { kind: { const: 'phone' }, number: { type: 'string', pattern: '^\\+?[0-9 ]+$' } },
          required: ['kind', 'number'],
        },
      ],
    },
    birthday: { type: 'string', format: 'date' },
    notes: { type: 'string', description: 'Anything else (multi-line).' },
  },
  required: ['name', 'email', 'role'],
};

function mainDetails(): ConnectionDetails {
  const tools: ConnectionDetails['tools'] = [
    {
      name: 'echo',
      title: 'Echo',
      description: 'Echoes back the arguments it receives.',
      inputSchema: {
        type: 'object',
        properties: { message: { type: 'string', description: 'Text to echo.' } },
        required: ['message'],
      },
      annotations: { readOnlyHint: true },
    },
    {
      name: 'createUser',
      title: 'Create user',
      description: 'Creates a user account and sends an invitation.',
      inputSchema: createUserSchema,
      annotations: { idempotentHint: false, openWorldHint: true },
    },
    {
      name: 'deleteAll',
      description: 'Deletes every record. There is no undo.',
      inputSchema: { type: 'object', properties: {} },
      annotations: { destructiveHint: true },
    },
    {
      name: 'slowTask',
      description: 'Runs for a long time and reports progress.',
      inputSchema: { type: 'object', properties: { steps: { type: 'integer', minimum: 1, default: 4 } } },
    },
    {
      name: 'weather',
      description: 'Structured weather data.',
      inputSchema: { type: 'object', properties: { city: { type: 'string' } } },
      outputSchema: {
        type: 'object',
        properties: { temperature: { type: 'number' }, conditions: { type: 'string' } },
        required: ['temperature', 'conditions'],
      },
      annotations: { readOnlyHint: true },
    },
    {
      name: 'badWeather',
      description: 'Returns structured content that breaks its own output schema.',
      inputSchema: { type: 'object', properties: {} },
      outputSchema: { type: 'object', properties: { temperature: { type: 'number' } }, required: ['temperature'] },
    },
    {
      name: 'missingWeather',
      description: 'Declares an output schema but returns no structured content.',
      inputSchema: { type: 'object', properties: {} },
      outputSchema: { type: 'object', properties: { temperature: { type: 'number' } }, required: ['temperature'] },
    },
    { name: 'media', description: 'Returns every content type.', inputSchema: { type: 'object', properties: {} } },
    { name: 'failing', description: 'Always reports an error.', inputSchema: { type: 'object', properties: {} } },
  ];
  const resources: ConnectionDetails['resources'] = [
    {
      uri: 'file:///project/README.md',
      name: 'README.md',
      mimeType: 'text/markdown',
      description: 'The project readme.',
    },
    { uri: 'test://config.json', name: 'config', title: 'Configuration', mimeType: 'application/json' },
  ];
  const resourceTemplates: ConnectionDetails['resourceTemplates'] = [
    { uriTemplate: 'test://items/{id}{?verbose}', name: 'item', description: 'One item by id.' },
  ];
  const prompts: ConnectionDetails['prompts'] = [
    {
      name: 'greet',
      title: 'Greeting',
      description: 'A friendly greeting.',
      arguments: [
        { name: 'name', description: 'Who to greet.', required: true },
        { name: 'style', description: 'formal or casual' },
      ],
    },
  ];
  return {
    connectionId: 'c-main',
    tools,
    resources,
    resourceTemplates,
    prompts,
    server: {
      name: 'fixture-server',
      version: '1.2.3',
      protocolVersion: '2025-06-18',
      instructions: 'Use echo to test.\nCall createUser with a valid email.',
      capabilities: {
        tools: { listChanged: true },
        resources: { subscribe: true, listChanged: true },
        prompts: {},
        logging: {},
      },
    },
  };
}

function traceFor(): { entries: TraceEntryView[]; messages: Record<number, unknown> } {
  const t0 = Date.UTC(2025, 0, 31, 12, 0, 0);
  const messages: Record<number, unknown> = {
    1: {
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'mcp-lens', version: '0.1.0' } },
    },
    2: {
      jsonrpc: '2.0',
      id: 0,
      result: {
        protocolVersion: '2025-06-18',
        serverInfo: { name: 'fixture-server', version: '1.2.3' },
        capabilities: { tools: {} },
      },
    },
    3: { jsonrpc: '2.0', method: 'notifications/initialized' },
    4: {
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'echo', arguments: { message: 'hi', token: '[REDACTED]' } },
    },
    5: { jsonrpc: '2.0', id: 1, error: { code: -32602, message: 'Invalid params' } },
  };
  const entries: TraceEntryView[] = [
    {
      seq: 1,
      time: t0,
      direction: 'out',
      kind: 'request',
      method: 'initialize',
      id: 0,
      size: 140,
      preview: JSON.stringify(messages[1]),
    },
    {
      seq: 2,
      time: t0 + 20,
      direction: 'in',
      kind: 'response',
      method: 'initialize',
      id: 0,
      durationMs: 20,
      size: 160,
      preview: JSON.stringify(messages[2]),
    },
    {
      seq: 3,
      time: t0 + 21,
      direction: 'out',
      kind: 'notification',
      method: 'notifications/initialized',
      size: 50,
      preview: JSON.stringify(messages[3]),
    },
    {
      seq: 4,
      time: t0 + 40,
      direction: 'out',
      kind: 'request',
      method: 'tools/call',
      id: 1,
      size: 120,
      preview: JSON.stringify(messages[4]),
    },
    {
      seq: 5,
      time: t0 + 45,
      direction: 'in',
      kind: 'error',
      method: 'tools/call',
      id: 1,
      durationMs: 5,
      size: 80,
      preview: JSON.stringify(messages[5]),
    },
  ];
  return { entries, messages };
}

export function baseFixture(): HarnessFixture {
  const d = mainDetails();
  const trace = traceFor();
  const now = Date.now();
  return {
    connections: [
      {
        id: 'c-main',
        name: 'Fixture server',
        transport: 'streamable-http',
        target: 'http://127.0.0.1:3001/mcp',
        state: 'connected',
        since: now,
        auth: { state: 'signed-in', scopes: ['mcp:tools', 'mcp:resources'], expiresAt: now + 54 * 60_000 },
        editable: true,
        activeTransport: 'streamable-http',
        counts: counts(d),
      },
      {
        id: 'c-stdio',
        name: 'Local stdio',
        transport: 'stdio',
        target: 'node server.js',
        state: 'disconnected',
        since: now,
        auth: { state: 'not-needed' },
        editable: true,
        counts: { tools: 0, resources: 0, resourceTemplates: 0, prompts: 0 },
      },
      {
        id: 'c-auth',
        name: 'Protected',
        transport: 'sse',
        target: 'http://127.0.0.1:3002/sse',
        state: 'auth-required',
        message: 'http://127.0.0.1:3002/sse requires authorization (HTTP 401).',
        since: now,
        auth: { state: 'sign-in-required' },
        editable: false,
        counts: { tools: 0, resources: 0, resourceTemplates: 0, prompts: 0 },
      },
    ],
    details: {
      'c-main': d,
      'c-stdio': { connectionId: 'c-stdio', tools: [], resources: [], resourceTemplates: [], prompts: [], server: {} },
      'c-auth': { connectionId: 'c-auth', tools: [], resources: [], resourceTemplates: [], prompts: [], server: {} },
    },
    tools: {
      echo: { result: '$echo' },
      createUser: { result: '$echo' },
      deleteAll: { result: { content: [{ type: 'text', text: 'Deleted 3 records.' }] } },
      slowTask: { hang: true, progress: true },
      // The outputSchemaCheck values are what the core (src/core/outputSchema.ts) attaches; the webview only shows them.
      weather: {
        result: {
          content: [{ type: 'text', text: '{"temperature":21.5,"conditions":"sunny"}' }],
          structuredContent: { temperature: 21.5, conditions: 'sunny' },
          outputSchemaCheck: {
            ok: true,
            status: 'valid',
            message: "structuredContent matches the tool's outputSchema.",
            errors: [],
          },
        },
      },
      badWeather: {
        result: {
          content: [{ type: 'text', text: 'hot' }],
          structuredContent: { temperature: 'hot', humidity: 90 },
          outputSchemaCheck: {
            ok: false,
            status: 'invalid',
            message: "structuredContent does not match the tool's outputSchema (2 errors).",
            errors: [
              { path: '/temperature', message: 'must be number' },
              { path: '/humidity', message: 'is not allowed (additionalProperties)' },
            ],
          },
        },
      },
      missingWeather: {
        result: {
          content: [{ type: 'text', text: 'no structure here' }],
          outputSchemaCheck: {
            ok: false,
            status: 'missing',
            message:
              'The tool declares an outputSchema but returned no structuredContent (MCP tools, "Output Schema": it must return structured results).',
            errors: [],
          },
        },
      },
      media: {
        result: {
          content: [
            { type: 'text', text: 'Here is everything:' },
            { type: 'image', data: PNG_2x2, mimeType: 'image/png' },
            { type: 'audio', data: WAV_SILENT, mimeType: 'audio/wav' },
            {
              type: 'resource_link',
              uri: 'file:///project/README.md',
              name: 'README.md',
              mimeType: 'text/markdown',
              description: 'Linked readme',
            },
            {
              type: 'resource',
              resource: {
                uri: 'test://config.json',
                mimeType: 'application/json',
                text: '{"debug":true,"level":3,"nested":{"a":[1,2,3]}}',
              },
            },
          ],
        },
      },
      failing: { result: { content: [{ type: 'text', text: 'Something went wrong: disk full' }], isError: true } },
    },
    resources: {
      'file:///project/README.md': {
        contents: [
          {
            uri: 'file:///project/README.md',
            mimeType: 'text/markdown',
            text: '# Project\n\nHello **world**. <b>not bold</b>',
          },
        ],
      },
      'test://config.json': {
        contents: [
          { uri: 'test://config.json', mimeType: 'application/json', text: '{"debug":true,"servers":["a","b"]}' },
        ],
      },
      'test://items/42?verbose=yes': {
        contents: [{ uri: 'test://items/42?verbose=yes', mimeType: 'text/plain', text: 'Item 42 (verbose)' }],
      },
    },
    prompts: {
      greet: {
        description: 'A greeting',
        messages: [
          { role: 'user', content: { type: 'text', text: 'Please greet Ada formally.' } },
          { role: 'assistant', content: { type: 'text', text: 'Good day, Ada.' } },
        ],
      },
    },
    trace: { 'c-main': trace.entries },
    traceMessages: { 'c-main': trace.messages },
    curl: "curl -X POST 'http://127.0.0.1:3001/mcp' -H 'Content-Type: application/json' -H \"Authorization: Bearer $MCP_TOKEN\" --data-raw '{}'",
  };
}

export const XSS = {
  img: '<img src=x onerror="window.__pwned=(window.__pwned||0)+1">',
  script: '<script>window.__pwned=(window.__pwned||0)+1</script>',
  js: 'javascript:window.__pwned=(window.__pwned||0)+1',
  svg: '<svg onload="window.__pwned=(window.__pwned||0)+1"></svg>',
};
export const HUGE = 'A'.repeat(1024 * 1024);

/** A connection whose every server-provided string is hostile. */
export function hostileFixture(): HarnessFixture {
  const f = baseFixture();
  const all = `${XSS.img}${XSS.script}${XSS.svg}`;
  const svgDoc = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" onload="window.__pwned=1"><script>window.__pwned=1</script></svg>`,
  ).toString('base64');
  const details: ConnectionDetails = {
    connectionId: 'c-evil',
    tools: [
      {
        name: `${XSS.img}evil`,
        title: XSS.script,
        description: `${all} ${XSS.js} ${HUGE}`,
        inputSchema: {
          type: 'object',
          properties: {
            [XSS.img]: { type: 'string', title: XSS.script, description: all, default: XSS.svg },
            choice: { type: 'string', enum: [XSS.img, XSS.script, XSS.js] },
            huge: { type: 'string', description: HUGE, title: HUGE },
            link: { type: 'string', format: 'uri', default: XSS.js },
          },
          required: [XSS.img],
        },
        annotations: { title: XSS.img },
      },
      ...Array.from({ length: 3 }, (_, i) => ({
        name: `${XSS.script}${i}`,
        description: all,
        inputSchema: { type: 'object' },
      })),
    ],
    resources: [{ uri: XSS.js, name: XSS.img, description: all, mimeType: 'text/html' }],
    resourceTemplates: [{ uriTemplate: `evil://{${'x'.repeat(10)}}/${XSS.img}`, name: XSS.script }],
    prompts: [
      { name: XSS.img, description: all, arguments: [{ name: XSS.script, description: XSS.img, required: true }] },
    ],
    server: {
      name: XSS.img,
      version: XSS.script,
      instructions: `${all}\n${XSS.js}\n${HUGE}`,
      capabilities: { tools: {}, resources: { subscribe: true }, prompts: {}, [XSS.img]: { [XSS.script]: XSS.js } },
    },
  };
  f.connections.unshift({
    id: 'c-evil',
    name: `${XSS.img}${HUGE}`,
    transport: 'streamable-http',
    target: `${XSS.js}${XSS.script}`,
    state: 'error',
    message: `${all}${HUGE}`,
    since: Date.now(),
    auth: { state: 'sign-in-required', message: XSS.img },
    editable: true,
    counts: { tools: 4, resources: 1, resourceTemplates: 1, prompts: 1 },
  });
  f.details['c-evil'] = details;
  f.tools[`${XSS.img}evil`] = {
    result: {
      content: [
        { type: 'text', text: `${all} ${XSS.js}` },
        { type: 'text', text: JSON.stringify({ html: all, link: XSS.js, [XSS.img]: HUGE }) },
        { type: 'text', text: HUGE },
        { type: 'image', data: svgDoc, mimeType: 'image/svg+xml' },
        { type: 'image', data: `"><img src=x onerror=alert(1)>`, mimeType: 'image/png' },
        { type: 'image', data: PNG_2x2, mimeType: `image/png"><img src=x onerror="window.__pwned=1">` },
        { type: 'resource_link', uri: XSS.js, name: XSS.img, title: XSS.script, description: all },
        { type: 'resource', resource: { uri: XSS.js, mimeType: 'text/html', text: all } },
        { type: XSS.img, foo: XSS.script },
      ],
      structuredContent: { [XSS.img]: XSS.script },
      outputSchemaCheck: {
        ok: false,
        status: 'invalid',
        message: all,
        errors: [{ path: `/${XSS.img}`, message: `must be one of ["${XSS.script}"]` }],
      },
    },
  };
  f.resources[XSS.js] = { contents: [{ uri: XSS.js, mimeType: 'text/html', text: all }] };
  f.prompts[XSS.img] = { description: all, messages: [{ role: XSS.img, content: { type: 'text', text: all } }] };
  f.focus = { connectionId: 'c-evil', tab: 'tools' };
  return f;
}

/**
 * The base fixture on the 2026-07-28 era: the main connection negotiated 2026-07-28 (with a
 * discover result), the stdio one is pinned to 2025; the trace has requests whose Mcp headers
 * agree, disagree and are missing; outcomes carry resultType and cache hints.
 */
export function eraFixture(): HarnessFixture {
  const f = baseFixture();
  const main = f.connections.find((c) => c.id === 'c-main')!;
  Object.assign(main, { protocol: 'auto', era: 'modern', protocolVersion: '2026-07-28' });
  Object.assign(
    f.connections.find((c) => c.id === 'c-stdio')!,
    { protocol: '2025' },
  );
  Object.assign(f.details['c-main'].server, {
    protocolVersion: '2026-07-28',
    era: 'modern',
    negotiation: 'server/discover offered 2026-07-28; chosen (auto).',
    discover: {
      supportedVersions: ['2026-07-28'],
      serverInfo: { name: 'fixture-server', version: '1.2.3' },
      capabilities: { tools: { listChanged: true }, resources: {} },
    },
  });
  const t0 = Date.UTC(2026, 7, 1, 12, 0, 0);
  const sent = (seq: number, method: string, name: string, http: TraceEntryView['http']): TraceEntryView => ({
    seq,
    time: t0 + seq,
    direction: 'out',
    kind: 'request',
    method,
    id: seq,
    size: 120,
    preview: JSON.stringify({
      jsonrpc: '2.0',
      id: seq,
      method,
      params: { name, _meta: { protocolVersion: '2026-07-28' } },
    }),
    http,
  });
  const entries: TraceEntryView[] = [
    sent(11, 'tools/call', 'echo', { method: 'tools/call', name: 'echo', check: 'ok' }),
    sent(12, 'tools/call', 'echo', {
      method: 'tools/call',
      name: 'delete_all',
      check: 'mismatch',
      detail: 'Mcp-Name is "delete_all" but params.name is "echo".',
    }),
    sent(13, 'prompts/get', 'greet', {
      method: 'prompts/get',
      check: 'missing',
      detail: 'Mcp-Name is required for prompts/get and was not sent.',
    }),
  ];
  f.trace['c-main'] = [...(f.trace['c-main'] ?? []), ...entries];
  for (const e of entries) f.traceMessages['c-main'][e.seq] = JSON.parse(e.preview);
  f.outcomeMeta = {
    'tools/call weather': { resultType: 'complete' },
    'resources/read file:///project/README.md': {
      resultType: 'complete',
      cache: { ttlMs: 30_000, cacheScope: 'public', receivedAgoMs: 18_000, servedFromCache: true },
    },
    'resources/read file:///project/README.md refresh': {
      resultType: 'complete',
      cache: { ttlMs: 30_000, cacheScope: 'private', receivedAgoMs: 0, servedFromCache: false },
    },
  };
  return f;
}

/** The era fixture with a server whose version, negotiation, discover result and header details are hostile. */
export function hostileEraFixture(): HarnessFixture {
  const f = eraFixture();
  const all = `${XSS.img}${XSS.script}${XSS.svg}`;
  const main = f.connections.find((c) => c.id === 'c-main')!;
  main.protocolVersion = `${XSS.img}${HUGE}`;
  main.era = 'legacy';
  Object.assign(f.details['c-main'].server, {
    era: 'legacy',
    protocolVersion: `${XSS.script}${HUGE}`,
    negotiation: `${all}${HUGE}`,
    discover: { [XSS.img]: { [XSS.script]: [XSS.js, all], huge: HUGE }, serverInfo: { name: XSS.svg } },
  });
  for (const e of f.trace['c-main']) {
    if (e.http) e.http = { method: XSS.img, name: `${XSS.script}${HUGE}`, check: 'mismatch', detail: `${all}${HUGE}` };
  }
  f.outcomeMeta = {
    'tools/call weather': { resultType: `${XSS.img}${HUGE}` },
    'resources/read file:///project/README.md': {
      resultType: XSS.script,
      cache: { ttlMs: 30_000, cacheScope: XSS.img, receivedAgoMs: 1000, servedFromCache: true },
    },
  };
  return f;
}
