/** Server: what the server said about itself at initialize (info, protocol version, capabilities, instructions). */
import type { AppContext, Tab } from './context';
import { clip, h, setChildren } from './dom';
import { jsonTree, lazyText } from './jsonTree';

export class ServerTab implements Tab {
  readonly element = h('div', { class: 'detail server-tab', attrs: { 'data-role': 'server' } });

  constructor(private readonly app: AppContext) {}

  refresh(): void {
    const c = this.app.connection();
    const s = this.app.details()?.server;
    if (!c) {
      setChildren(this.element, h('div', { class: 'empty' }, 'Select a connection.'));
      return;
    }
    const row = (k: string, v: string | undefined) => (v ? [h('dt', null, k), h('dd', null, clip(v, 2000))] : []);
    setChildren(
      this.element,
      h(
        'dl',
        { class: 'kv' },
        ...row('Name', s?.name),
        ...row('Title', s?.title),
        ...row('Version', s?.version),
        ...row('Protocol version', s?.protocolVersion),
        ...row('Transport', c.activeTransport ?? c.transport),
        ...row('Target', c.target),
        ...row('Status', c.state + (c.message ? `: ${c.message}` : '')),
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
