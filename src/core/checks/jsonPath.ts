/**
 * A small JSONPath subset for check assertions: `$`, `.key`, `['key']` / `["key"]`, `[n]` (negative
 * counts from the end) and `[*]` / `.*`. Enough to point into MCP results (`$.content[0].text`,
 * `$.structuredContent.items[*].id`) without a dependency; filters, slices and recursive descent
 * are refused with a message rather than misread.
 */

export type JsonPathSegment = { kind: 'key'; key: string } | { kind: 'index'; index: number } | { kind: 'wildcard' };

export class JsonPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonPathError';
  }
}

/** Parses a path into segments. Throws JsonPathError naming the position of the problem. */
export function parseJsonPath(path: string): JsonPathSegment[] {
  if (!path.startsWith('$')) throw new JsonPathError(`"${path}" must start with "$" (the whole result).`);
  const segments: JsonPathSegment[] = [];
  let i = 1;
  const fail = (what: string): never => {
    throw new JsonPathError(`"${path}" at position ${i}: ${what}`);
  };
  while (i < path.length) {
    const ch = path[i];
    if (ch === '.') {
      if (path[i + 1] === '.') fail('recursive descent ("..") is not supported; name each step.');
      if (path[i + 1] === '*') {
        segments.push({ kind: 'wildcard' });
        i += 2;
        continue;
      }
      const match = /^[A-Za-z_$][\w$-]*/.exec(path.slice(i + 1));
      if (!match) fail(`expected a name after "."; use ['…'] for other keys.`);
      segments.push({ kind: 'key', key: match![0] });
      i += 1 + match![0].length;
    } else if (ch === '[') {
      const rest = path.slice(i + 1);
      const wildcard = /^\*\]/.exec(rest);
      const index = /^(-?\d+)\]/.exec(rest);
      const quoted = /^(['"])((?:\\.|(?!\1).)*)\1\]/.exec(rest);
      if (wildcard) {
        segments.push({ kind: 'wildcard' });
        i += 1 + wildcard[0].length;
      } else if (index) {
        segments.push({ kind: 'index', index: Number(index[1]) });
        i += 1 + index[0].length;
      } else if (quoted) {
        segments.push({ kind: 'key', key: quoted[2].replace(/\\(.)/g, '$1') });
        i += 1 + quoted[0].length;
      } else {
        fail(`expected [n], [*] or ['key'] (filters and slices are not supported).`);
      }
    } else {
      fail(`unexpected "${ch}"; steps are .key, ['key'], [n] or [*].`);
    }
  }
  return segments;
}

/** Every value the path selects in `document` (none when a step does not exist). */
export function queryJsonPath(document: unknown, path: string | JsonPathSegment[]): unknown[] {
  const segments = typeof path === 'string' ? parseJsonPath(path) : path;
  let current: unknown[] = [document];
  for (const segment of segments) {
    const next: unknown[] = [];
    for (const value of current) {
      if (segment.kind === 'wildcard') {
        if (Array.isArray(value)) next.push(...value);
        else if (isObject(value)) next.push(...Object.values(value));
      } else if (segment.kind === 'index') {
        if (Array.isArray(value)) {
          const at = segment.index < 0 ? value.length + segment.index : segment.index;
          if (at >= 0 && at < value.length) next.push(value[at]);
        }
      } else if (isObject(value) && Object.prototype.hasOwnProperty.call(value, segment.key)) {
        next.push(value[segment.key]);
      }
    }
    current = next;
  }
  return current;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
