/**
 * Fixtures for answering the server (issue 11): the main connection with a queue of pending
 * requests of every kind (an elicitation form whose schema has defaults, titled enums and
 * multi-selects; a URL elicitation; a sampling request with text, image and audio, tools and model
 * preferences) and a history (roots answered automatically, a declined form), language models for
 * drafting, completions, server log messages, tasks, and tools that run as tasks. Shapes follow
 * MCP 2025-11-25 (elicitation/create, sampling/createMessage, roots/list, tasks).
 */
import type { JsonObject, ServerRequestView } from '../../../src/shared/protocol';
import { PNG_2x2, WAV_SILENT, XSS, baseFixture, type HarnessFixture } from './fixtures';

export const ELICITATION_SCHEMA: JsonObject = {
  type: 'object',
  properties: {
    name: { type: 'string', title: 'Full name', minLength: 1, default: 'Ada Lovelace' },
    email: { type: 'string', format: 'email', title: 'Email', description: 'Where to send the receipt.' },
    age: { type: 'integer', minimum: 0, maximum: 150, default: 36 },
    subscribe: { type: 'boolean', title: 'Subscribe to the newsletter', default: true },
    color: {
      type: 'string',
      title: 'Favourite colour',
      oneOf: [
        { const: '#f00', title: 'Red' },
        { const: '#0f0', title: 'Green' },
        { const: '#00f', title: 'Blue' },
      ],
      default: '#0f0',
    },
    size: { type: 'string', enum: ['S', 'M', 'L'], default: 'M' },
    toppings: {
      type: 'array',
      title: 'Toppings',
      items: { type: 'string', enum: ['cheese', 'ham', 'olives'] },
      default: ['cheese'],
    },
    tags: {
      type: 'array',
      title: 'Tags',
      items: {
        anyOf: [
          { const: 'a', title: 'Alpha' },
          { const: 'b', title: 'Beta' },
        ],
      },
    },
  },
  required: ['name', 'email', 'color'],
};

export function formRequest(now: number, overrides: Partial<ServerRequestView> = {}): ServerRequestView {
  return {
    id: 'r-form',
    connectionId: 'c-main',
    kind: 'elicitation-form',
    method: 'elicitation/create',
    wire: 'request',
    cause: { method: 'tools/call', name: 'trigger-elicitation-request' },
    params: { mode: 'form', message: 'Please tell us about yourself.', requestedSchema: ELICITATION_SCHEMA },
    receivedAt: now - 5_000,
    deadline: now + 10 * 60_000,
    state: 'pending',
    ...overrides,
  };
}

export const ELICIT_URL = 'https://auth.example.com/connect?state=abc123&client=mcp-lens';

export function urlRequest(now: number): ServerRequestView {
  return {
    id: 'r-url',
    connectionId: 'c-main',
    kind: 'elicitation-url',
    method: 'elicitation/create',
    wire: 'request',
    cause: { method: 'tools/call', name: 'connect-account' },
    params: { mode: 'url', url: ELICIT_URL, message: 'Connect your Example account.', elicitationId: 'el-1' },
    urlOrigin: 'https://auth.example.com',
    receivedAt: now - 4_000,
    deadline: now + 10 * 60_000,
    state: 'pending',
  };
}

export function samplingRequest(now: number): ServerRequestView {
  return {
    id: 'r-sampling',
    connectionId: 'c-main',
    kind: 'sampling',
    method: 'sampling/createMessage',
    wire: 'request',
    cause: { method: 'tools/call', name: 'trigger-sampling-request' },
    params: {
      messages: [
        { role: 'user', content: { type: 'text', text: 'Resource sampleLLM context: what is the capital of France?' } },
        { role: 'user', content: [{ type: 'image', data: PNG_2x2, mimeType: 'image/png' }] },
        { role: 'assistant', content: { type: 'audio', data: WAV_SILENT, mimeType: 'audio/wav' } },
      ],
      systemPrompt: 'You are a helpful test server.',
      modelPreferences: {
        hints: [{ name: 'claude-3-sonnet' }, { name: 'gpt-4o' }],
        costPriority: 0.2,
        speedPriority: 0.5,
        intelligencePriority: 0.9,
      },
      maxTokens: 100,
      temperature: 0.7,
      tools: [{ name: 'get_weather', description: 'Weather for a city.', inputSchema: { type: 'object' } }],
      toolChoice: { mode: 'auto' },
    },
    receivedAt: now - 3_000,
    deadline: now + 10 * 60_000,
    state: 'pending',
  };
}

export function answerFixture(): HarnessFixture {
  const f = baseFixture();
  const now = Date.now();
  const d = f.details['c-main'];
  d.server.capabilities = { ...(d.server.capabilities ?? {}), completions: {}, logging: {} };
  d.logLevel = 'info';
  d.roots = {
    source: 'workspace',
    roots: [
      { uri: 'file:///home/ada/project', name: 'project' },
      { uri: 'file:///home/ada/lib', name: 'lib' },
    ],
  };
  d.tools.push(
    {
      name: 'longReport',
      description: 'Builds a report; may run as a task.',
      inputSchema: { type: 'object', properties: { topic: { type: 'string', default: 'sales' } } },
      taskSupport: 'optional',
    },
    {
      name: 'batchJob',
      description: 'A batch job that always runs as a task.',
      inputSchema: { type: 'object', properties: {} },
      taskSupport: 'required',
    },
  );
  f.connections[0].counts.tools = d.tools.length;
  f.tools.longReport = {
    result: { content: [{ type: 'text', text: 'Report on sales: 42 deals.' }] },
    task: { taskId: 'task-report-1', steps: 3, stepMs: 150 },
  };
  f.tools.batchJob = {
    result: { content: [{ type: 'text', text: 'Batch done.' }] },
    task: { taskId: 'task-batch-1', steps: 2, stepMs: 150 },
  };
  f.serverRequests = {
    'c-main': [
      formRequest(now),
      urlRequest(now),
      samplingRequest(now),
      {
        id: 'r-roots',
        connectionId: 'c-main',
        kind: 'roots',
        method: 'roots/list',
        wire: 'request',
        params: {},
        receivedAt: now - 60_000,
        state: 'answered',
        outcome: 'answered automatically with 2 roots',
        answeredAt: now - 60_000,
      },
      formRequest(now, {
        id: 'r-old',
        receivedAt: now - 120_000,
        deadline: undefined,
        state: 'declined',
        outcome: 'declined by the user',
        answeredAt: now - 110_000,
      }),
    ],
  };
  f.languageModels = [
    { id: 'copilot-gpt-4o', name: 'GPT-4o', vendor: 'copilot', family: 'gpt-4o' },
    { id: 'copilot-claude', name: 'Claude Sonnet', vendor: 'copilot', family: 'claude-sonnet' },
  ];
  f.samplingDraft = {
    role: 'assistant',
    content: { type: 'text', text: 'The capital of France is Paris.' },
    model: 'gpt-4o',
    stopReason: 'endTurn',
  };
  f.completions = {
    name: ['Ada', 'Adele', 'Alan', 'Grace'],
    style: ['formal', 'casual'],
    id: ['100', '101', '200'],
  };
  f.serverLog = {
    'c-main': [
      { time: now - 9_000, level: 'debug', logger: 'db', data: 'connection pool warmed up' },
      { time: now - 8_000, level: 'info', logger: 'http', data: { event: 'request', path: '/items', ms: 12 } },
      { time: now - 7_000, level: 'warning', data: 'cache miss rate above 50%' },
      { time: now - 6_000, level: 'error', logger: 'db', data: { error: 'deadlock detected', retry: true } },
    ],
  };
  f.tasks = {
    'c-main': [
      {
        taskId: 'task-old-1',
        connectionId: 'c-main',
        status: 'completed',
        statusMessage: 'Finished',
        createdAt: new Date(now - 300_000).toISOString(),
        lastUpdatedAt: new Date(now - 240_000).toISOString(),
        toolName: 'longReport',
      },
      {
        taskId: 'task-running-1',
        connectionId: 'c-main',
        status: 'working',
        statusMessage: 'Crunching numbers',
        createdAt: new Date(now - 60_000).toISOString(),
        lastUpdatedAt: new Date(now - 1_000).toISOString(),
        toolName: 'batchJob',
        progress: { progress: 3, total: 10, message: 'step 3 of 10' },
      },
    ],
  };
  f.taskResults = {
    'task-old-1': { content: [{ type: 'text', text: 'Report on Q3: 17 deals.' }] },
  };
  return f;
}

/** The same, with every server string of every request kind, log entry, task and completion hostile. */
export function hostileAnswerFixture(): HarnessFixture {
  const f = answerFixture();
  const now = Date.now();
  const all = `${XSS.img}${XSS.script}${XSS.svg}`;
  const cause = { method: 'tools/call', name: all };
  f.serverRequests = {
    'c-main': [
      formRequest(now, {
        cause,
        params: {
          message: all,
          requestedSchema: {
            type: 'object',
            properties: {
              [XSS.img]: { type: 'string', title: XSS.script, description: all, default: XSS.svg },
              pick: { type: 'string', oneOf: [{ const: XSS.img, title: XSS.script }] },
              many: { type: 'array', items: { anyOf: [{ const: XSS.svg, title: XSS.img }] } },
            },
          },
        },
      }),
      {
        ...urlRequest(now),
        cause,
        urlOrigin: XSS.img,
        params: { mode: 'url', url: `${XSS.js}${XSS.img}`, message: all, elicitationId: XSS.script },
      },
      {
        ...samplingRequest(now),
        cause,
        params: {
          messages: [
            { role: XSS.img, content: { type: 'text', text: all } },
            { role: 'user', content: { type: 'image', data: '"><img src=x onerror=alert(1)>', mimeType: all } },
            { role: 'user', content: { type: XSS.script, text: all } },
          ],
          systemPrompt: all,
          modelPreferences: { hints: [{ name: all }] },
          maxTokens: 10,
          tools: [{ name: XSS.img, description: all, inputSchema: { type: 'object' } }],
          toolChoice: { mode: all },
        },
      },
      {
        id: 'r-roots-evil',
        connectionId: 'c-main',
        kind: 'roots',
        method: 'roots/list',
        wire: 'request',
        cause,
        params: { [XSS.img]: all },
        receivedAt: now - 1_000,
        state: 'answered',
        outcome: all,
        answeredAt: now,
      },
    ],
  };
  f.samplingDraft = { role: 'assistant', content: { type: 'text', text: all }, model: XSS.img, stopReason: 'endTurn' };
  f.languageModels = [{ id: XSS.img, name: XSS.script, vendor: XSS.svg }];
  f.serverLog = {
    'c-main': [
      { time: now, level: 'error', logger: XSS.img, data: all },
      { time: now, level: 'info', data: { [XSS.img]: all } },
    ],
  };
  f.tasks = {
    'c-main': [
      {
        taskId: XSS.img,
        connectionId: 'c-main',
        status: 'working',
        statusMessage: all,
        toolName: XSS.script,
        createdAt: all,
        progress: { progress: 1, total: 2, message: all },
      },
    ],
  };
  f.completions = { name: [all, `${XSS.script}${XSS.js}`] };
  return f;
}
