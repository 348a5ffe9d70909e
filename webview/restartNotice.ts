/**
 * The dev loop's notice: a watched stdio server restarted because its sources changed. The view
 * keeps its place (tab, selection, form drafts live in the webview state, not in the server), and
 * the notice offers to re-run the connection's last call against the new server.
 */
import type { HistoryEntry } from '../src/shared/protocol';
import { button, clip, h, iconButton, setChildren } from './dom';

export class RestartNotice {
  readonly element = h('div', {
    class: 'notice restart-notice',
    attrs: { role: 'status', 'aria-live': 'polite', 'data-role': 'restart-notice' },
  });

  constructor(private readonly rerun: (entry: HistoryEntry) => void) {
    this.element.hidden = true;
  }

  /** Shows the restart; `last` is the connection's last finished call, offered for a re-run. */
  show(reason: string, last: HistoryEntry | undefined): void {
    const what = last
      ? `${last.kind === 'tool' ? 'call' : last.kind === 'resource' ? 'read' : 'get'} of ${clip(last.target, 120)}`
      : '';
    setChildren(
      this.element,
      h('span', { attrs: { 'data-role': 'restart-reason' } }, `Server restarted: ${clip(reason, 300)}.`),
      last
        ? button(
            `Re-run last ${what}`,
            () => {
              this.hide();
              this.rerun(last);
            },
            'primary',
            { 'data-action': 'rerun-last' },
            'debug-rerun',
          )
        : h('span', { class: 'muted' }, ' Nothing was run on it yet.'),
      iconButton('close', 'Dismiss', () => this.hide(), { 'data-action': 'dismiss-restart' }),
    );
    this.element.hidden = false;
  }

  hide(): void {
    this.element.hidden = true;
    setChildren(this.element);
  }
}
