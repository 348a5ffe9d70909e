/**
 * The Connections view: connection → Tools (n) / Resources (n) / Prompts (n) → items.
 * It follows the manager live (status, list_changed, config edits). Everything shown comes
 * from servers and is data: labels are plain strings and tooltips are MarkdownStrings with
 * HTML, command links and theme icons switched off and every piece of server text escaped.
 */
import * as vscode from 'vscode';
import type { Prompt, Resource, ResourceTemplate, Tool } from '@modelcontextprotocol/sdk/types.js';
import { TRANSPORT_LABELS, formatCommandLine, isHttpConfig } from '../core/config';
import type { Connection, ConnectionState } from '../core/connection';
import type { ConnectionManager } from '../core/manager';
import type { ConnectionStore } from './connectionStore';
import { isVsCodeMcpId, type VsCodeMcpServers } from './vscodeMcpServers';
import type { ProtocolChoice, ProtocolEra } from '../shared/protocol';

export type GroupKind = 'tools' | 'resources' | 'prompts';

export type TreeNode =
  | { readonly kind: 'connection'; readonly connectionId: string }
  | { readonly kind: 'group'; readonly connectionId: string; readonly group: GroupKind }
  | { readonly kind: 'tool'; readonly connectionId: string; readonly tool: Tool }
  | { readonly kind: 'resource'; readonly connectionId: string; readonly resource: Resource }
  | { readonly kind: 'resourceTemplate'; readonly connectionId: string; readonly template: ResourceTemplate }
  | { readonly kind: 'prompt'; readonly connectionId: string; readonly prompt: Prompt }
  /** The "VS Code MCP servers" group: servers of VS Code's mcp.json files (see vscodeMcpServers.ts). */
  | { readonly kind: 'vscodeServers'; readonly connectionId: '' }
  /** A server of an mcp.json that is not open (once opened, its node is a `connection` under the group). */
  | { readonly kind: 'vscodeServer'; readonly connectionId: string }
  /** A problem of a whole mcp.json (syntax error, bad inputs). */
  | { readonly kind: 'vscodeFileProblem'; readonly connectionId: ''; readonly file: string; readonly message: string };

/** The command a click on a VS Code server runs (registered in commands/vscodeMcp.ts). */
const INSPECT_VSCODE_SERVER_COMMAND = 'mcpLens.inspectVsCodeServer';

export const STATE_LABELS: Record<ConnectionState, string> = {
  disconnected: 'disconnected',
  connecting: 'connecting…',
  connected: 'connected',
  'auth-required': 'sign-in required',
  error: 'error',
};

function stateIcon(state: ConnectionState): vscode.ThemeIcon {
  switch (state) {
    case 'connected':
      return new vscode.ThemeIcon('pass', new vscode.ThemeColor('charts.green'));
    case 'connecting':
      return new vscode.ThemeIcon('sync~spin');
    case 'error':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
    case 'auth-required':
      return new vscode.ThemeIcon('key', new vscode.ThemeColor('list.warningForeground'));
    case 'disconnected':
      return new vscode.ThemeIcon('debug-disconnect');
  }
}

/**
 * The negotiated protocol in a few words: the version for the modern era ("2026-07-28"), the
 * version and its era for the 2025 revisions ("2025-11-25 (2025 era)"). Undefined before a session.
 */
export function eraText(era: ProtocolEra | undefined, protocolVersion: string | undefined): string | undefined {
  if (!era) return protocolVersion;
  if (era === 'modern') return protocolVersion ?? '2026-07-28';
  return protocolVersion ? `${protocolVersion} (2025 era)` : '2025 era';
}

/** A pin in a few words, or undefined for auto (the default is not worth a word in a one-line description). */
export function pinText(protocol: ProtocolChoice | undefined): string | undefined {
  return protocol && protocol !== 'auto' ? `pinned ${protocol}` : undefined;
}

/** Server text shown in tooltips is cut to keep hovers readable (and bounded). */
const MAX_TOOLTIP_TEXT = 4000;

function clip(text: string, max = MAX_TOOLTIP_TEXT): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** First line of a description, for the short grey text next to a label. */
function shortDescription(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const line = text.split(/\r?\n/, 1)[0].trim();
  return line.length > 80 ? `${line.slice(0, 80)}…` : line;
}

/** A tooltip for untrusted content: no HTML, no command links, no `$(icon)` syntax. */
export function safeMarkdown(): vscode.MarkdownString {
  const md = new vscode.MarkdownString('', false);
  md.isTrusted = false;
  md.supportHtml = false;
  return md;
}

/**
 * Appends server JSON in a fenced block. `JSON.stringify` escapes line breaks inside strings,
 * so no line of its output can start with a backtick and close the fence early.
 */
function appendJson(md: vscode.MarkdownString, value: unknown): void {
  md.appendCodeblock(clip(JSON.stringify(value, null, 2), 20000), 'json');
}

function appendHeading(md: vscode.MarkdownString, text: string): void {
  md.appendMarkdown('**');
  md.appendText(text);
  md.appendMarkdown('**\n\n');
}

export function toolTooltip(tool: Tool): vscode.MarkdownString {
  const md = safeMarkdown();
  appendHeading(md, tool.title ? `${tool.title} (${tool.name})` : tool.name);
  if (tool.description) {
    md.appendText(clip(tool.description));
    md.appendMarkdown('\n\n');
  }
  md.appendMarkdown('Input schema:\n');
  appendJson(md, tool.inputSchema);
  if (tool.outputSchema) {
    md.appendMarkdown('Output schema:\n');
    appendJson(md, tool.outputSchema);
  }
  if (tool.annotations) {
    md.appendMarkdown('Annotations:\n');
    appendJson(md, tool.annotations);
  }
  return md;
}

function resourceTooltip(resource: Resource | ResourceTemplate, uri: string): vscode.MarkdownString {
  const md = safeMarkdown();
  appendHeading(md, resource.title ? `${resource.title} (${resource.name})` : resource.name);
  md.appendCodeblock(uri, 'text');
  if (resource.description) {
    md.appendText(clip(resource.description));
    md.appendMarkdown('\n\n');
  }
  if (resource.mimeType) md.appendText(`MIME type: ${resource.mimeType}`);
  return md;
}

function promptTooltip(prompt: Prompt): vscode.MarkdownString {
  const md = safeMarkdown();
  appendHeading(md, prompt.title ? `${prompt.title} (${prompt.name})` : prompt.name);
  if (prompt.description) {
    md.appendText(clip(prompt.description));
    md.appendMarkdown('\n\n');
  }
  if (prompt.arguments?.length) {
    md.appendMarkdown('Arguments:\n');
    appendJson(md, prompt.arguments);
  }
  return md;
}

export class ConnectionsTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly onDidChangeEmitter = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.onDidChangeEmitter.event;
  /** Connection nodes are cached so a change can refresh just that subtree (VS Code matches elements by identity). */
  private readonly connectionNodes = new Map<string, TreeNode & { kind: 'connection' }>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly vscodeGroup: TreeNode = { kind: 'vscodeServers', connectionId: '' };

  constructor(
    private readonly manager: ConnectionManager,
    private readonly store: ConnectionStore,
    private readonly vscodeMcp?: VsCodeMcpServers,
  ) {
    if (vscodeMcp) this.disposables.push(vscodeMcp.onDidChange(() => this.onDidChangeEmitter.fire(undefined)));
    this.disposables.push(
      this.onDidChangeEmitter,
      manager.onDidChange(({ connection, kind }) => {
        const node = this.connectionNodes.get(connection.id);
        if (node && (kind === 'status' || kind === 'list')) this.onDidChangeEmitter.fire(node);
        else this.onDidChangeEmitter.fire(undefined);
      }),
      store.onDidChange(() => this.onDidChangeEmitter.fire(undefined)),
    );
  }

  /** The cached node of a connection, for `TreeView.reveal`. */
  connectionNode(id: string): TreeNode | undefined {
    if (!this.connectionNodes.has(id)) this.getChildren();
    return this.connectionNodes.get(id);
  }

  refresh(): void {
    this.onDidChangeEmitter.fire(undefined);
  }

  /** The "VS Code MCP servers" group node, for `TreeView.reveal`. */
  vscodeServersNode(): TreeNode {
    return this.vscodeGroup;
  }

  getChildren(element?: TreeNode): TreeNode[] {
    if (!element) {
      const ids = new Set<string>();
      const nodes: TreeNode[] = [];
      for (const c of this.manager.list()) {
        ids.add(c.id);
        const node = this.cachedConnectionNode(c.id);
        // VS Code's servers show under their own group, even once opened.
        if (!isVsCodeMcpId(c.id)) nodes.push(node);
      }
      for (const id of [...this.connectionNodes.keys()]) if (!ids.has(id)) this.connectionNodes.delete(id);
      if (this.vscodeMcp?.list().length) nodes.push(this.vscodeGroup);
      return nodes;
    }
    if (element.kind === 'vscodeServers') {
      const children: TreeNode[] = [];
      for (const file of this.vscodeMcp?.list() ?? []) {
        for (const message of file.problems) {
          children.push({ kind: 'vscodeFileProblem', connectionId: '', file: file.source.uri, message });
        }
      }
      for (const entry of this.vscodeMcp?.entries() ?? []) {
        children.push(
          this.manager.get(entry.connectionId)
            ? this.cachedConnectionNode(entry.connectionId)
            : { kind: 'vscodeServer', connectionId: entry.connectionId },
        );
      }
      return children;
    }
    const connection = this.manager.get(element.connectionId);
    if (!connection) return [];
    const connectionId = connection.id;
    switch (element.kind) {
      case 'connection': {
        if (connection.status.state !== 'connected') return [];
        const caps = connection.capabilities ?? {};
        const groups: TreeNode[] = [];
        if (caps.tools) groups.push({ kind: 'group', connectionId, group: 'tools' });
        if (caps.resources) groups.push({ kind: 'group', connectionId, group: 'resources' });
        if (caps.prompts) groups.push({ kind: 'group', connectionId, group: 'prompts' });
        return groups;
      }
      case 'group':
        if (element.group === 'tools') return connection.tools.map((tool) => ({ kind: 'tool', connectionId, tool }));
        if (element.group === 'prompts') {
          return connection.prompts.map((prompt) => ({ kind: 'prompt', connectionId, prompt }));
        }
        return [
          ...connection.resources.map((resource): TreeNode => ({ kind: 'resource', connectionId, resource })),
          ...connection.resourceTemplates.map((template): TreeNode => ({
            kind: 'resourceTemplate',
            connectionId,
            template,
          })),
        ];
      default:
        return [];
    }
  }

  private cachedConnectionNode(id: string): TreeNode & { kind: 'connection' } {
    let node = this.connectionNodes.get(id);
    if (!node) {
      node = { kind: 'connection', connectionId: id };
      this.connectionNodes.set(id, node);
    }
    return node;
  }

  getParent(element: TreeNode): TreeNode | undefined {
    switch (element.kind) {
      case 'connection':
        return isVsCodeMcpId(element.connectionId) ? this.vscodeGroup : undefined;
      case 'vscodeServers':
        return undefined;
      case 'vscodeServer':
      case 'vscodeFileProblem':
        return this.vscodeGroup;
      case 'group':
        return this.connectionNodes.get(element.connectionId);
      case 'tool':
        return { kind: 'group', connectionId: element.connectionId, group: 'tools' };
      case 'prompt':
        return { kind: 'group', connectionId: element.connectionId, group: 'prompts' };
      default:
        return { kind: 'group', connectionId: element.connectionId, group: 'resources' };
    }
  }

  getTreeItem(element: TreeNode): vscode.TreeItem {
    const connection = this.manager.get(element.connectionId);
    const base = `${element.connectionId}`;
    switch (element.kind) {
      case 'connection':
        return connection ? this.connectionItem(connection) : new vscode.TreeItem('(removed)');
      case 'vscodeServers': {
        const item = new vscode.TreeItem('VS Code MCP servers', vscode.TreeItemCollapsibleState.Expanded);
        item.id = 'vscode-mcp-servers';
        item.iconPath = new vscode.ThemeIcon('vscode');
        item.description = 'mcp.json';
        item.tooltip =
          "Servers defined in VS Code's own mcp.json files (workspace .vscode/mcp.json and the user mcp.json). Click one to inspect it; nothing is copied into MCP Lens.";
        item.contextValue = 'vscodeServers';
        return item;
      }
      case 'vscodeServer':
        return this.vscodeServerItem(element.connectionId);
      case 'vscodeFileProblem': {
        const file = this.vscodeMcp?.list().find((f) => f.source.uri === element.file);
        const item = new vscode.TreeItem(clip(element.message, 200), vscode.TreeItemCollapsibleState.None);
        item.id = `${element.file}/problem/${element.message}`;
        item.description = file ? `${file.source.label} mcp.json` : undefined;
        item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
        item.contextValue = 'vscodeFileProblem';
        item.command = { command: 'vscode.open', title: 'Open mcp.json', arguments: [vscode.Uri.parse(element.file)] };
        return item;
      }
      case 'group': {
        const count = connection ? groupCount(connection, element.group) : 0;
        const label = { tools: 'Tools', resources: 'Resources', prompts: 'Prompts' }[element.group];
        const item = new vscode.TreeItem(
          `${label} (${count})`,
          count ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
        );
        item.id = `${base}/${element.group}`;
        item.iconPath = new vscode.ThemeIcon(
          { tools: 'tools', resources: 'files', prompts: 'comment-discussion' }[element.group],
        );
        item.contextValue = `group.${element.group}`;
        return item;
      }
      case 'tool': {
        const item = new vscode.TreeItem(element.tool.name, vscode.TreeItemCollapsibleState.None);
        item.id = `${base}/tools/${element.tool.name}`;
        item.description = element.tool.title ?? shortDescription(element.tool.description);
        item.tooltip = toolTooltip(element.tool);
        item.iconPath = new vscode.ThemeIcon('symbol-method');
        item.contextValue = 'tool';
        return item;
      }
      case 'resource': {
        const item = new vscode.TreeItem(element.resource.name, vscode.TreeItemCollapsibleState.None);
        item.id = `${base}/resources/${element.resource.uri}`;
        item.description = element.resource.uri;
        item.tooltip = resourceTooltip(element.resource, element.resource.uri);
        item.iconPath = new vscode.ThemeIcon('file');
        item.contextValue = 'resource';
        return item;
      }
      case 'resourceTemplate': {
        const item = new vscode.TreeItem(element.template.name, vscode.TreeItemCollapsibleState.None);
        item.id = `${base}/templates/${element.template.uriTemplate}`;
        item.description = element.template.uriTemplate;
        item.tooltip = resourceTooltip(element.template, element.template.uriTemplate);
        item.iconPath = new vscode.ThemeIcon('file-symlink-file');
        item.contextValue = 'resourceTemplate';
        return item;
      }
      case 'prompt': {
        const item = new vscode.TreeItem(element.prompt.name, vscode.TreeItemCollapsibleState.None);
        item.id = `${base}/prompts/${element.prompt.name}`;
        item.description = element.prompt.title ?? shortDescription(element.prompt.description);
        item.tooltip = promptTooltip(element.prompt);
        item.iconPath = new vscode.ThemeIcon('comment');
        item.contextValue = 'prompt';
        return item;
      }
    }
  }

  /** A VS Code server that is not open: its definition as written, its problems, and a click that opens it. */
  private vscodeServerItem(connectionId: string): vscode.TreeItem {
    const entry = this.vscodeMcp?.entry(connectionId);
    if (!entry) return new vscode.TreeItem('(removed)');
    const { server, file } = entry;
    const item = new vscode.TreeItem(server.name, vscode.TreeItemCollapsibleState.None);
    // Not the connection's id: VS Code keeps the collapsible state of an id it has shown, and the opened
    // server's node must come up expanded (with its Tools / Resources / Prompts).
    item.id = `${connectionId}/not-open`;
    const kind = server.kind ?? 'unknown type';
    const broken = server.problems.length > 0;
    item.description = `${kind} · ${file.source.label} mcp.json${broken ? ' · cannot start' : ''}`;
    item.iconPath = broken
      ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'))
      : new vscode.ThemeIcon('debug-disconnect');
    item.contextValue = `vscodeServer${broken ? '.problem' : ''}`;
    item.command = {
      command: INSPECT_VSCODE_SERVER_COMMAND,
      title: 'Inspect',
      arguments: [{ kind: 'vscodeServer', connectionId }],
    };
    const md = safeMarkdown();
    appendHeading(md, server.name);
    md.appendText(`From the ${file.source.label} mcp.json${server.line ? `, line ${server.line}` : ''}.`);
    md.appendMarkdown('\n\n');
    // As written: variables (and so the input values) are not substituted here.
    md.appendText(describeDefinition(server.definition));
    if (broken) {
      md.appendMarkdown('\n\n');
      appendHeading(md, 'Problems');
      md.appendText(server.problems.join('\n'));
    } else {
      md.appendMarkdown('\n\n');
      md.appendText(
        server.inputIds.length
          ? `Click to inspect. Asks once for: ${server.inputIds.join(', ')} (kept in secret storage).`
          : 'Click to inspect.',
      );
    }
    item.tooltip = md;
    return item;
  }

  private connectionItem(connection: Connection): vscode.TreeItem {
    const { state, message } = connection.status;
    const stored = this.store.get(connection.id);
    const fromSettings = stored?.scope === 'settings';
    const vscodeEntry = isVsCodeMcpId(connection.id) ? this.vscodeMcp?.entry(connection.id) : undefined;
    // Always Expanded: VS Code keeps the collapsible state an item had when it was first shown, so a
    // node first shown while connecting (no children) must already be expandable once groups arrive.
    // Without children (not connected) it shows no twistie.
    const item = new vscode.TreeItem(connection.config.name, vscode.TreeItemCollapsibleState.Expanded);
    item.id = connection.id;
    item.iconPath = stateIcon(state);
    const transport =
      connection.config.transport === 'auto' && connection.activeTransport
        ? `auto → ${connection.activeTransport === 'sse' ? 'SSE' : 'Streamable HTTP'}`
        : TRANSPORT_LABELS[connection.config.transport];
    const status =
      (state === 'error' || state === 'auth-required') && message
        ? `${STATE_LABELS[state]}: ${message}`
        : STATE_LABELS[state];
    // The negotiated version is server data (a hostile server may send anything): clipped, and only while connected.
    const negotiated =
      state === 'connected' ? eraText(connection.era, clipVersion(connection.protocolVersion)) : undefined;
    const pin = pinText(connection.config.protocol);
    const protocol = [negotiated, pin].filter(Boolean).join(' · ');
    const origin = vscodeEntry ? ` · ${vscodeEntry.file.source.label} mcp.json` : fromSettings ? ' · settings' : '';
    item.description = `${transport} · ${status}${protocol ? ` · ${protocol}` : ''}${origin}`;
    // connection.<state>.<editable|settings|vscode>.<http|stdio>: menus pick actions by state, origin and transport.
    const originContext =
      vscodeEntry || isVsCodeMcpId(connection.id) ? '.vscode' : fromSettings ? '.settings' : '.editable';
    item.contextValue = `connection.${state}${originContext}.${isHttpConfig(connection.config) ? 'http' : 'stdio'}`;
    item.accessibilityInformation = {
      label: `${connection.config.name}, ${transport}, ${status}${protocol ? `, protocol ${protocol}` : ''}`,
    };

    const md = safeMarkdown();
    appendHeading(md, connection.config.name);
    const config = connection.config;
    if (isHttpConfig(config)) {
      md.appendText(`${TRANSPORT_LABELS[config.transport]} · ${config.url}`);
      const headerNames = [
        ...Object.keys(config.headers ?? {}),
        ...(config.secretHeaders ?? []).map((h) => `${h} (secret)`),
      ];
      if (headerNames.length) md.appendText(`\nHeaders: ${headerNames.join(', ')}`);
    } else if (vscodeEntry) {
      // As written in mcp.json: the substituted command line may hold input values.
      md.appendText(describeDefinition(vscodeEntry.server.definition));
    } else {
      // Environment values may be secrets: only the names are shown.
      md.appendText(`stdio · ${formatCommandLine([config.command, ...config.args])}`);
      const envNames = Object.keys(config.env ?? {});
      if (envNames.length) md.appendText(`\nEnvironment: ${envNames.join(', ')}`);
      if (config.cwd) md.appendText(`\nWorking directory: ${config.cwd}`);
    }
    md.appendMarkdown('\n\n');
    md.appendText(`Status: ${STATE_LABELS[state]}${message ? ` — ${clip(message, 1000)}` : ''}`);
    if (connection.serverInfo) {
      md.appendText(`\nServer: ${connection.serverInfo.name} ${connection.serverInfo.version}`);
    }
    const choice = config.protocol ?? 'auto';
    md.appendText(
      `\nProtocol: ${choice === 'auto' ? 'auto (negotiate)' : `pinned to ${choice}`}${negotiated ? ` · speaking ${negotiated}` : ''}`,
    );
    if (state === 'connected' && connection.negotiation) {
      md.appendText(`\nNegotiation: ${clip(connection.negotiation, 500)}`);
    }
    md.appendText(
      `\nSaved in: ${vscodeEntry ? `VS Code's ${vscodeEntry.file.source.label} mcp.json (read-only here)` : stored ? { user: 'user state', workspace: 'workspace state', settings: 'settings (read-only)' }[stored.scope] : 'memory'}`,
    );
    if (connection.instructions) {
      md.appendMarkdown('\n\n');
      appendHeading(md, 'Instructions');
      md.appendText(clip(connection.instructions, 2000));
    }
    item.tooltip = md;
    return item;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** One line about an mcp.json entry as written; header and environment values are left out (they may be secrets). */
function describeDefinition(definition: Record<string, unknown>): string {
  const words = (v: unknown) => (typeof v === 'string' ? v : '');
  if (typeof definition.command === 'string') {
    const args = Array.isArray(definition.args) ? definition.args.map(words) : [];
    const env = definition.env && typeof definition.env === 'object' ? Object.keys(definition.env) : [];
    return `stdio · ${clip(formatCommandLine([definition.command, ...args]), 500)}${env.length ? `\nEnvironment: ${env.join(', ')}` : ''}${typeof definition.envFile === 'string' ? `\nenvFile: ${definition.envFile}` : ''}`;
  }
  const headers = definition.headers && typeof definition.headers === 'object' ? Object.keys(definition.headers) : [];
  return `${words(definition.type) || 'http'} · ${clip(words(definition.url), 500)}${headers.length ? `\nHeaders: ${headers.join(', ')}` : ''}`;
}

function clipVersion(version: string | undefined): string | undefined {
  return version === undefined ? undefined : clip(version, 40);
}

function groupCount(connection: Connection, group: GroupKind): number {
  if (group === 'tools') return connection.tools.length;
  if (group === 'prompts') return connection.prompts.length;
  return connection.resources.length + connection.resourceTemplates.length;
}
