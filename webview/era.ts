/**
 * The protocol era in the inspector: the badge next to a connection, the words for a negotiated
 * version, and the result meta line (`resultType`, cache freshness). Versions, result types and
 * negotiation sentences come from servers: they go into text nodes only, clipped.
 */
import type { CacheHintView, ConnectionView, ProtocolChoice, ProtocolEra } from '../src/shared/protocol';
import { clip, h, icon } from './dom';

/** "2026-07-28" for the modern era; "2025-11-25 (2025 era)" for the 2025 revisions. */
export function eraText(era: ProtocolEra | undefined, protocolVersion: string | undefined): string | undefined {
  const version = protocolVersion === undefined ? undefined : clip(protocolVersion, 40);
  if (!era) return version;
  if (era === 'modern') return version ?? '2026-07-28';
  return version ? `${version} (2025 era)` : '2025 era';
}

export const PROTOCOL_CHOICE_TEXT: Readonly<Record<ProtocolChoice, string>> = {
  auto: 'Auto (negotiate)',
  '2025': 'Pinned to 2025',
  '2026-07-28': 'Pinned to 2026-07-28',
};

/**
 * A short badge: the era spoken now ("2026-07-28" / "2025"), with a pin when the user pinned it;
 * while not connected, only a pin says anything. Null when there is nothing to say.
 */
export function eraBadge(c: ConnectionView): HTMLElement | null {
  const pinned = c.protocol && c.protocol !== 'auto' ? c.protocol : undefined;
  const speaking = c.state === 'connected' ? c.era : undefined;
  if (!speaking && !pinned) return null;
  const short = speaking ? (speaking === 'modern' ? '2026-07-28' : '2025') : pinned;
  const negotiated = speaking ? eraText(speaking, c.protocolVersion) : undefined;
  const title = [
    negotiated ? `Speaking MCP ${negotiated}` : undefined,
    pinned ? `pinned to ${pinned}` : 'negotiated (auto)',
  ]
    .filter(Boolean)
    .join(', ');
  return h(
    'span',
    {
      class: `tag era-badge era-${speaking ?? 'none'}`,
      title,
      attrs: {
        'data-role': 'era-badge',
        'data-era': speaking ?? '',
        'data-pinned': pinned ?? '',
        'aria-label': `Protocol: ${title}`,
      },
    },
    pinned ? icon('pinned') : null,
    pinned ? ' ' : null,
    short,
  );
}

/** "30 s", "2 min", "1 h 5 min": a TTL or what is left of one. */
export function formatTtl(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return s % 60 ? `${min} min ${s % 60} s` : `${min} min`;
  const hours = Math.floor(min / 60);
  return min % 60 ? `${hours} h ${min % 60} min` : `${hours} h`;
}

/**
 * What a cache hint means to the reader: "fresh for 30 s · private" for a result from the server,
 * "served from cache, 12 s left · private" for a copy MCP Lens kept.
 */
export function cacheHintText(cache: CacheHintView, now = Date.now()): string {
  const scope = cache.cacheScope === 'public' ? 'public' : 'private';
  if (!cache.servedFromCache) {
    return cache.ttlMs > 0 ? `fresh for ${formatTtl(cache.ttlMs)} · ${scope}` : `stale at once (ttlMs 0) · ${scope}`;
  }
  const left = cache.receivedAt + cache.ttlMs - now;
  return left > 0 ? `served from cache, ${formatTtl(left)} left · ${scope}` : `served from cache, stale · ${scope}`;
}

const SCOPE_HELP: Readonly<Record<CacheHintView['cacheScope'], string>> = {
  public: 'public: any client may serve it to any user',
  private: 'private: only for this user',
};

/** The result's `resultType` and cache hint as tags, or null when the result carries neither (2025 era). */
export function outcomeMeta(outcome: { resultType?: string; cache?: CacheHintView }): HTMLElement | null {
  if (outcome.resultType === undefined && !outcome.cache) return null;
  const cache = outcome.cache;
  return h(
    'span',
    { class: 'result-meta', attrs: { 'data-role': 'result-meta' } },
    outcome.resultType !== undefined
      ? h(
          'span',
          {
            class: `tag${outcome.resultType === 'input_required' ? ' warn' : ''}`,
            title: 'resultType (MCP 2026-07-28)',
            attrs: { 'data-role': 'result-type' },
          },
          clip(outcome.resultType, 60),
        )
      : null,
    cache
      ? h(
          'span',
          {
            class: `tag${cache.servedFromCache ? ' cached' : ''}`,
            title: `ttlMs ${cache.ttlMs}; ${SCOPE_HELP[cache.cacheScope === 'public' ? 'public' : 'private']}${cache.servedFromCache ? '; MCP Lens answered from its cache: nothing was sent' : ''}`,
            attrs: { 'data-role': 'cache-hint', 'data-cached': String(cache.servedFromCache) },
          },
          icon(cache.servedFromCache ? 'database' : 'clock'),
          ` ${cacheHintText(cache)}`,
        )
      : null,
  );
}

/** A list's cache hint as a small tag next to its heading ("fresh for 30 s · private"), or null without one. */
export function listCacheTag(cache: CacheHintView | undefined): HTMLElement | null {
  if (!cache) return null;
  return h(
    'span',
    {
      class: `tag list-cache${cache.servedFromCache ? ' cached' : ''}`,
      title: `This list's ttlMs ${cache.ttlMs}; ${SCOPE_HELP[cache.cacheScope === 'public' ? 'public' : 'private']}`,
      attrs: { 'data-role': 'list-cache' },
    },
    icon(cache.servedFromCache ? 'database' : 'clock'),
    ` ${cacheHintText(cache)}`,
  );
}
