/**
 * Server: what the server said about itself (info, protocol era and version, how they were
 * negotiated, the server/discover result, capabilities, instructions). All of it is server data:
 * text nodes and a JSON tree, never markup.
 */
import type { AppContext, Tab } from './context';
import { clip, h, setChildren } from './dom';
import { PROTOCOL_CHOICE_TEXT, eraBadge, eraText } from './era';
import { jsonTree, lazyText } from './jsonTree';
import { RootsEditor } from './rootsEditor';

const ERA_TEXT = { modern: 'Modern (MCP 2026-07-28)', legacy: '2025 (initialize)' } as const;

export class ServerTab implements Tab {
  readonly element = h('div', { class: 'detail server-tab', attrs: { 'data-role': 'server' } });
  /** Rebuilt on every refresh (server data only). */
  private readonly facts = h('div');
  /** Built once and kept: it may hold the user's unsaved edits (see RootsEditor). */
  private readonly roots: RootsEditor;

  constructor(private readonly app: AppContext) {
    this.roots = new RootsEditor(app);
    this.element.append(this.facts, this.roots.element);
  }

  refresh(): void {
    const c = this.app.connection();
    const s = this.app.details()?.server;
    this.roots.element.hidden = !c;
    this.roots.refresh();
    if (!c) {
      setChildren(this.facts, h('div', { class: 'empty' }, 'Select a connection.'));
      return;
    }
    const connected = c.state === 'connected';
    const row = (k: string, v: string | undefined) => (v ? [h('dt', null, k), h('dd', null, clip(v, 2000))] : []);
    setChildren(
      this.facts,
      h('div', { class: 'server-era' }, eraBadge(c)),
      h(
        'dl',
        { class: 'kv', attrs: { 'data-role': 'server-facts' } },
        ...row('Name', s?.name),
        ...row('Title', s?.title),
        ...row('Version', s?.version),
        ...row('Protocol', connected ? eraText(s?.era ?? c.era, s?.protocolVersion ?? c.protocolVersion) : undefined),
        ...row('Era', connected && (s?.era ?? c.era) ? ERA_TEXT[(s?.era ?? c.era)!] : undefined),
        ...row('Negotiation', connected ? s?.negotiation : undefined),
        ...row('Protocol setting', PROTOCOL_CHOICE_TEXT[c.protocol ?? 'auto']),
        ...row('Transport', c.activeTransport ?? c.transport),
        ...row('Target', c.target),
        ...row('Status', c.state + (c.message ? `: ${c.message}` : '')),
      ),
      h('h3', null, 'Discover result'),
      s?.discover && connected
        ? h('div', { attrs: { 'data-role': 'discover' } }, jsonTree(s.discover, 2))
        : h(
            'div',
            { class: 'muted', attrs: { 'data-role': 'discover' } },
            !connected
              ? 'Known after connecting.'
              : (s?.era ?? c.era) === 'legacy'
                ? 'None: the 2025 era negotiates with initialize, not server/discover.'
                : 'The server sent no discover result.',
          ),
      h('h3', null, 'Capabilities'),
      s?.capabilities
        ? jsonTree(s.capabilities, 2)
        : h('div', { class: 'muted' }, c.state === 'connected' ? 'None.' : 'Known after connecting.'),
      h('h3', null, 'Instructions'),
      s?.instructions
        ? lazyText(s.instructions, 'text-block instructions')
        : h('div', { class: 'muted' }, 'The server gave no instructions.'),
    );
  }
}
