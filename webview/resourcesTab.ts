/**
 * Resources: the resources and the resource templates of the connection. A resource can be read
 * (shown by MIME type) and, when the server supports it, subscribed to: updates re-read it and
 * say when. A template gets a field per RFC 6570 variable and a preview of the expanded URI.
 */
import { UriTemplate } from '@modelcontextprotocol/sdk/shared/uriTemplate.js';
import type { CacheMode, HistoryEntry, JsonObject, ResourceTemplateView, ResourceView } from '../src/shared/protocol';
import { attachCompletions, canComplete } from './completions';
import { saveCheckControl } from './checksTab';
import type { AppContext, Tab } from './context';
import { newId } from './context';
import { button, clip, h, icon, option, setChildren } from './dom';
import { formatBytes, formatDuration, formatTime } from './format';
import { listCacheTag, outcomeMeta } from './era';
import { readResult } from './results';
import { RequestError } from './rpc';
import { matchesFilter } from './schemaForm';

type Item =
  | { kind: 'resource'; key: string; resource: ResourceView }
  | { kind: 'template'; key: string; template: ResourceTemplateView };

export class ResourcesTab implements Tab {
  readonly element: HTMLElement;
  private readonly search = h('vscode-text-field', {
    attrs: { placeholder: 'Filter resources', 'aria-label': 'Filter resources' },
  }) as HTMLElement & { value: string };
  private readonly list = h('div', {
    class: 'item-list',
    attrs: { role: 'listbox', 'aria-label': 'Resources', 'data-role': 'resource-list' },
  });
  private readonly detail = h('div', { class: 'detail', attrs: { 'data-role': 'resource-detail' } });
  /** Kept across list renders: a refresh re-renders the list, and its outcome must stay readable. */
  private readonly listsStatus = h('span', {
    class: 'muted',
    attrs: { 'data-role': 'lists-status', 'aria-live': 'polite' },
  });
  private items: Item[] = [];
  private selected?: string;
  /** Subscribed URIs per connection. */
  private readonly subscribed = new Map<string, Set<string>>();

  constructor(private readonly app: AppContext) {
    this.element = h('div', { class: 'split' }, h('div', { class: 'list-pane' }, this.search, this.list), this.detail);
    this.search.addEventListener('input', () => this.renderList());
    app.host.on('resource/updated', ({ connectionId, uri }) => {
      if (!this.subscribed.get(connectionId)?.has(uri)) return;
      if (this.app.connection()?.id !== connectionId || this.selected !== `r:${uri}`) return;
      const note = this.detail.querySelector<HTMLElement>('[data-role="updated"]');
      if (note) note.textContent = `Updated by the server at ${formatTime(Date.now())}; re-read.`;
      void this.read(uri, false);
    });
  }

  refresh(): void {
    const d = this.app.details();
    this.items = [
      ...(d?.resources ?? []).map((resource): Item => ({ kind: 'resource', key: `r:${resource.uri}`, resource })),
      ...(d?.resourceTemplates ?? []).map((template): Item => ({
        kind: 'template',
        key: `t:${template.uriTemplate}`,
        template,
      })),
    ];
    this.renderList();
    const want = this.selected ?? this.app.state.selectedResource;
    if (want && this.items.some((i) => i.key === want)) {
      if (want !== this.selected) this.select(want);
    } else {
      this.selected = undefined;
      setChildren(
        this.detail,
        h(
          'div',
          { class: 'empty' },
          this.items.length
            ? 'Select a resource or a template.'
            : this.app.connection()?.state === 'connected'
              ? 'This server offers no resources.'
              : 'Connect to see the resources.',
        ),
      );
    }
  }

  focusItem(item: string): void {
    const key = this.items.find((i) => (i.kind === 'resource' ? i.resource.uri : i.template.uriTemplate) === item)?.key;
    if (key) this.select(key);
  }

  rerun(entry: HistoryEntry): void {
    const uri = entry.target;
    const known = this.items.find((i) => i.kind === 'resource' && i.resource.uri === uri);
    if (known) this.select(known.key);
    else this.showAdHoc(uri);
    void this.read(uri, true, entry.args.cache === 'refresh' ? 'refresh' : undefined);
  }

  private renderList(): void {
    const q = this.search.value ?? '';
    const visible = this.items.filter(
      (i) =>
        !q ||
        matchesFilter(
          i.kind === 'resource'
            ? `${i.resource.name} ${i.resource.title ?? ''} ${i.resource.uri}`.toLowerCase()
            : `${i.template.name} ${i.template.title ?? ''} ${i.template.uriTemplate}`.toLowerCase(),
          q,
        ),
    );
    const resources = visible.filter((i) => i.kind === 'resource');
    const templates = visible.filter((i) => i.kind === 'template');
    const row = (i: Item) => {
      const title =
        i.kind === 'resource' ? (i.resource.title ?? i.resource.name) : (i.template.title ?? i.template.name);
      const sub = i.kind === 'resource' ? i.resource.uri : i.template.uriTemplate;
      return option(
        { class: 'item', selected: i.key === this.selected, dataset: { key: clip(i.key, 2000) } },
        () => this.select(i.key),
        h(
          'div',
          { class: 'item-title' },
          icon(i.kind === 'resource' ? 'file' : 'symbol-parameter'),
          ' ',
          h('span', { class: 'item-name' }, clip(title, 120)),
          i.kind === 'resource' && this.subscribed.get(this.app.connection()?.id ?? '')?.has(i.resource.uri)
            ? h('span', { class: 'tag', title: 'Subscribed' }, 'subscribed')
            : null,
        ),
        h('div', { class: 'item-sub mono' }, clip(sub, 160)),
      );
    };
    this.list.replaceChildren(
      ...(this.cachesResults()
        ? [
            h(
              'div',
              { class: 'list-tools' },
              button(
                'Refresh lists (bypass cache)',
                () => void this.refreshLists(),
                'secondary',
                { 'data-action': 'lists-refresh' },
                'refresh',
              ),
              this.listsStatus,
            ),
          ]
        : []),
      h(
        'div',
        { class: 'list-heading' },
        `Resources (${resources.length}) `,
        listCacheTag(this.app.details()?.listCache?.resources),
      ),
      ...resources.map(row),
      h(
        'div',
        { class: 'list-heading' },
        `Templates (${templates.length}) `,
        listCacheTag(this.app.details()?.listCache?.resourceTemplates),
      ),
      ...templates.map(row),
    );
  }

  private select(key: string): void {
    const item = this.items.find((i) => i.key === key);
    if (!item) return;
    this.selected = key;
    this.app.state.selectedResource = key;
    this.app.saveState();
    for (const el of this.list.querySelectorAll<HTMLElement>('.item')) {
      el.setAttribute('aria-selected', String(el.dataset.key === key));
    }
    if (item.kind === 'resource') this.showResource(item.resource);
    else this.showTemplate(item.template);
  }

  /**
   * Only the 2026-07-28 era has cacheable results (`ttlMs`), so only there can a read be answered
   * from the cache, and only there does bypassing it mean anything.
   */
  private cachesResults(): boolean {
    const c = this.app.connection();
    return c?.state === 'connected' && c.era === 'modern';
  }

  private refreshButton(uri: string): HTMLElement | null {
    if (!this.cachesResults()) return null;
    return button(
      'Refresh (bypass cache)',
      () => void this.read(uri, true, 'refresh'),
      'secondary',
      { 'data-action': 'read-refresh', title: 'Ask the server again even if a cached copy is still fresh' },
      'refresh',
    );
  }

  private async refreshLists(): Promise<void> {
    const connectionId = this.app.connection()?.id;
    if (!connectionId) return;
    const status = this.listsStatus;
    status.textContent = 'Refreshing…';
    try {
      // The new lists arrive as connection/details; this only says it is done.
      await this.app.host.request('lists/refresh', { connectionId, cache: 'refresh' });
      status.textContent = `Lists refreshed at ${formatTime(Date.now())}.`;
    } catch (e) {
      status.textContent = `Could not refresh: ${clip((e as Error).message, 300)}`;
    }
  }

  private canSubscribe(): boolean {
    const caps = this.app.details()?.server.capabilities;
    const res = caps?.resources;
    return typeof res === 'object' && res !== null && !Array.isArray(res) && (res as JsonObject).subscribe === true;
  }

  private showResource(r: ResourceView): void {
    const connectionId = this.app.connection()?.id ?? '';
    const subs = this.subscribed.get(connectionId) ?? new Set<string>();
    const isSubscribed = subs.has(r.uri);
    const subButton = button(
      isSubscribed ? 'Unsubscribe' : 'Subscribe',
      () => void this.toggleSubscription(r.uri),
      'secondary',
      { 'data-action': 'subscribe' },
      isSubscribed ? 'bell-slash' : 'bell',
    );
    setChildren(
      this.detail,
      h(
        'div',
        { class: 'detail-header' },
        h('h2', null, clip(r.title ?? r.name, 300)),
        r.mimeType ? h('span', { class: 'tag' }, clip(r.mimeType, 80)) : null,
        r.size !== undefined ? h('span', { class: 'tag' }, formatBytes(r.size)) : null,
      ),
      h('div', { class: 'uri mono' }, clip(r.uri, 5000)),
      r.description ? h('div', { class: 'description' }, clip(r.description, 20000)) : null,
      h(
        'div',
        { class: 'run-bar' },
        button('Read', () => void this.read(r.uri, true), 'primary', { 'data-action': 'read' }, 'go-to-file'),
        this.refreshButton(r.uri),
        this.canSubscribe() ? subButton : null,
        h('span', { class: 'muted', attrs: { 'data-role': 'updated' } }),
      ),
      h('div', { class: 'result-slot', attrs: { 'data-role': 'result' } }),
    );
  }

  private showAdHoc(uri: string): void {
    this.selected = undefined;
    setChildren(
      this.detail,
      h('div', { class: 'detail-header' }, h('h2', null, 'Resource')),
      h('div', { class: 'uri mono' }, clip(uri, 5000)),
      h(
        'div',
        { class: 'run-bar' },
        button('Read', () => void this.read(uri, true), 'primary', { 'data-action': 'read' }, 'go-to-file'),
        h('span', { class: 'muted', attrs: { 'data-role': 'updated' } }),
      ),
      h('div', { class: 'result-slot', attrs: { 'data-role': 'result' } }),
    );
  }

  private showTemplate(t: ResourceTemplateView): void {
    let template: UriTemplate | undefined;
    let problem: string | undefined;
    try {
      template = new UriTemplate(t.uriTemplate);
    } catch (e) {
      problem = (e as Error).message;
    }
    const names = template?.variableNames ?? [];
    const values: Record<string, string> = {};
    const preview = h('div', { class: 'uri mono', attrs: { 'data-role': 'expanded-uri' } });
    const expand = () => {
      try {
        return template ? template.expand(values) : t.uriTemplate;
      } catch (e) {
        return `(${(e as Error).message})`;
      }
    };
    const update = () => {
      preview.textContent = expand();
    };
    const complete = canComplete(this.app.details());
    const fields = names.map((name) => {
      const field = h(
        'vscode-text-field',
        { attrs: { 'data-var': clip(name, 200), placeholder: clip(name, 200) } },
        h('span', null, clip(name, 200)),
      ) as HTMLElement & { value: string };
      field.addEventListener('input', () => {
        if (field.value === '') delete values[name];
        else values[name] = field.value;
        update();
      });
      const suggestions = complete
        ? attachCompletions(
            this.app,
            field,
            { type: 'ref/resource', uri: t.uriTemplate },
            name,
            () => Object.fromEntries(Object.entries(values).filter(([k]) => k !== name)),
            (value) => {
              values[name] = value;
              update();
            },
          )
        : null;
      return h('div', { class: 'field' }, field, suggestions);
    });
    update();
    setChildren(
      this.detail,
      h(
        'div',
        { class: 'detail-header' },
        h('h2', null, clip(t.title ?? t.name, 300)),
        h('span', { class: 'tag' }, 'template'),
        t.mimeType ? h('span', { class: 'tag' }, clip(t.mimeType, 80)) : null,
      ),
      h('div', { class: 'uri mono' }, clip(t.uriTemplate, 5000)),
      t.description ? h('div', { class: 'description' }, clip(t.description, 20000)) : null,
      problem
        ? h('div', { class: 'notice error' }, icon('error'), ` The template is not valid: ${clip(problem, 500)}`)
        : null,
      h('div', { class: 'schema-form' }, ...fields),
      h('div', { class: 'field-help' }, 'Expands to:'),
      preview,
      h(
        'div',
        { class: 'run-bar' },
        button('Read', () => void this.read(expand(), true), 'primary', { 'data-action': 'read' }, 'go-to-file'),
      ),
      h('div', { class: 'result-slot', attrs: { 'data-role': 'result' } }),
    );
  }

  private async toggleSubscription(uri: string): Promise<void> {
    const connectionId = this.app.connection()?.id;
    if (!connectionId) return;
    let subs = this.subscribed.get(connectionId);
    if (!subs) this.subscribed.set(connectionId, (subs = new Set()));
    const slot = this.detail.querySelector<HTMLElement>('[data-role="updated"]');
    try {
      if (subs.has(uri)) {
        await this.app.host.request('resources/unsubscribe', { connectionId, uri });
        subs.delete(uri);
        if (slot) slot.textContent = 'Unsubscribed.';
      } else {
        await this.app.host.request('resources/subscribe', { connectionId, uri });
        subs.add(uri);
        if (slot) slot.textContent = 'Subscribed: updates from the server re-read it.';
      }
      const b = this.detail.querySelector<HTMLElement>('[data-action="subscribe"]');
      if (b) {
        b.lastChild!.textContent = subs.has(uri) ? 'Unsubscribe' : 'Subscribe';
      }
      this.renderList();
    } catch (e) {
      if (slot) slot.textContent = `Could not change the subscription: ${clip((e as Error).message, 500)}`;
    }
  }

  /** `cache: 'refresh'` asks the server even when MCP Lens holds a fresh copy (Refresh, bypass cache). */
  private async read(uri: string, record: boolean, cache?: CacheMode): Promise<void> {
    const connection = this.app.connection();
    if (!connection) return;
    const slot = this.detail.querySelector<HTMLElement>('[data-role="result"]');
    slot?.replaceChildren(h('vscode-progress-ring'));
    const callId = newId();
    const entry: HistoryEntry = {
      id: callId,
      kind: 'resource',
      connectionId: connection.id,
      connectionName: connection.name,
      target: uri,
      args: cache ? { uri, cache } : { uri },
      startedAt: Date.now(),
      status: 'running',
    };
    if (record) this.app.addHistory(entry);
    const started = performance.now();
    try {
      const outcome = await this.app.host.request('resources/read', {
        connectionId: connection.id,
        uri,
        callId,
        ...(cache ? { cache } : {}),
      });
      entry.status = 'ok';
      entry.durationMs = outcome.durationMs;
      entry.result = outcome.result;
      slot?.replaceChildren(
        h(
          'div',
          { class: 'result-header is-ok' },
          icon('pass'),
          h('span', null, cache === 'refresh' ? 'Read (cache bypassed)' : 'Read'),
          h('span', { class: 'duration' }, formatDuration(outcome.durationMs)),
          outcomeMeta(outcome),
          h('span', { class: 'spacer' }),
          button('Copy', () => this.app.copy(JSON.stringify(outcome.result, null, 2)), 'secondary', {}, 'copy'),
        ),
        ...readResult(outcome.result),
      );
    } catch (e) {
      const info = e instanceof RequestError ? e.info : { message: (e as Error).message, code: 'failed' };
      entry.status = 'error';
      entry.error = info;
      entry.durationMs = performance.now() - started;
      slot?.replaceChildren(
        h(
          'div',
          { class: 'notice error', attrs: { 'data-role': 'call-error' } },
          icon('error'),
          ` ${clip(info.message, 5000)}`,
        ),
      );
    } finally {
      if (record) this.app.updateHistory(entry);
      const saveCheck = saveCheckControl(this.app, entry);
      if (saveCheck) slot?.appendChild(saveCheck);
    }
  }
}
