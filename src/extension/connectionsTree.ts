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
import type { ProtocolChoice, ProtocolEra } from '../shared/protocol';

export type GroupKind = 'tools' | 'resources' | 'prompts';

export type TreeNode =
  | { readonly kind: 'connection'; readonly connectionId: string }
  | { readonly kind: 'group'; readonly connectionId: string; readonly group: GroupKind }
  | { readonly kind: 'tool'; readonly connectionId: string; readonly tool: Tool }
  | { readonly kind: 'resource'; readonly connectionId: string; readonly resource: Resource }
  | { readonly kind: 'resourceTemplate'; readonly connectionId: string; readonly template: ResourceTemplate }
  | { readonly kind: 'prompt'; readonly connectionId: string; readonly prompt: Prompt };

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

  constructor(
    private readonly manager: ConnectionManager,
    private readonly store: ConnectionStore,
  ) {
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

  getChildren(element?: TreeNode): TreeNode[] {
    if (!element) {
      const ids = new Set<string>();
      const nodes = this.manager.list().map((c) => {
        ids.add(c.id);
        let node = this.connectionNodes.get(c.id);
        if (!node) {
          node = { kind: 'connection', connectionId: c.id };
          this.connectionNodes.set(c.id, node);
        }
        return node;
      });
      for (const id of [...this.connectionNodes.keys()]) if (!ids.has(id)) this.connectionNodes.delete(id);
      return nodes;
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

  getParent(element: TreeNode): TreeNode | undefined {
    switch (element.kind) {
      case 'connection':
        return undefined;
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

  private connectionItem(connection: Connection): vscode.TreeItem {
    const { state, message } = connection.status;
    const stored = this.store.get(connection.id);
    const fromSettings = stored?.scope === 'settings';
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
    item.description = `${transport} · ${status}${protocol ? ` · ${protocol}` : ''}${fromSettings ? ' · settings' : ''}`;
    // connection.<state>.<editable|settings>.<http|stdio>: menus pick actions by state, origin and transport.
    item.contextValue = `connection.${state}${fromSettings ? '.settings' : '.editable'}.${isHttpConfig(connection.config) ? 'http' : 'stdio'}`;
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
      `\nSaved in: ${stored ? { user: 'user state', workspace: 'workspace state', settings: 'settings (read-only)' }[stored.scope] : 'memory'}`,
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

function clipVersion(version: string | undefined): string | undefined {
  return version === undefined ? undefined : clip(version, 40);
}

function groupCount(connection: Connection, group: GroupKind): number {
  if (group === 'tools') return connection.tools.length;
  if (group === 'prompts') return connection.prompts.length;
  return connection.resources.length + connection.resourceTemplates.length;
}
