/** Small DOM-free formatting helpers shared by the webview's views (unit-tested). */

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function formatDuration(ms: number): string {
  if (ms < 1) return '<1 ms';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function formatTime(epochMs: number): string {
  const d = new Date(epochMs);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** "in 54 min", "3 h ago"… relative to `now`. */
export function formatRelative(epochMs: number, now = Date.now()): string {
  const delta = epochMs - now;
  const abs = Math.abs(delta);
  const unit =
    abs < 60_000
      ? `${Math.round(abs / 1000)} s`
      : abs < 3_600_000
        ? `${Math.round(abs / 60_000)} min`
        : abs < 86_400_000
          ? `${Math.round(abs / 3_600_000)} h`
          : `${Math.round(abs / 86_400_000)} d`;
  return delta >= 0 ? `in ${unit}` : `${unit} ago`;
}

/** Decoded size of base64 data, without decoding it. */
export function base64Bytes(data: string): number {
  const len = data.length;
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((len * 3) / 4) - padding);
}

export function isBase64(data: string): boolean {
  // Checked in slices: a regular expression over megabytes at once is slow in some engines.
  for (let i = 0; i < data.length; i += 65536) {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data.slice(i, i + 65536).replace(/\s+/g, ''))) return false;
  }
  return true;
}

/** Image types shown inline. SVG is left out: it is a document format, and shown as text instead. */
export const INLINE_IMAGE_TYPES = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/bmp',
  'image/avif',
]);
export const INLINE_AUDIO_TYPES = new Set([
  'audio/wav',
  'audio/x-wav',
  'audio/wave',
  'audio/mpeg',
  'audio/mp3',
  'audio/ogg',
  'audio/webm',
  'audio/mp4',
  'audio/aac',
  'audio/flac',
]);
/** Larger images are not decoded into the page: a 50 MB image would stall the webview. */
export const MAX_INLINE_IMAGE_BYTES = 2 * 1024 * 1024;
export const MAX_INLINE_AUDIO_BYTES = 10 * 1024 * 1024;

export function mediaKind(mimeType: string | undefined): 'json' | 'text' | 'image' | 'audio' | 'binary' {
  const m = (mimeType ?? '').toLowerCase().split(';')[0].trim();
  if (m === 'application/json' || m.endsWith('+json')) return 'json';
  if (
    m.startsWith('text/') ||
    m === 'application/xml' ||
    m.endsWith('+xml') ||
    m === 'application/javascript' ||
    m === 'application/yaml' ||
    m === ''
  ) {
    return 'text';
  }
  if (INLINE_IMAGE_TYPES.has(m)) return 'image';
  if (m.startsWith('audio/')) return 'audio';
  return 'binary';
}

/** Parses text that looks like a JSON object or array; undefined otherwise. */
export function tryParseJson(text: string): unknown {
  const t = text.trimStart();
  if (!(t.startsWith('{') || t.startsWith('['))) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Quotes a string for a POSIX shell (single quotes). */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
