/**
 * The dotenv syntax of an `envFile` named in VS Code's mcp.json: `NAME=value` lines, `#` comments,
 * an optional `export ` prefix, single quotes (literal), double quotes (with `\n`, `\r`, `\t`, `\"` and
 * `\\` escapes, may span lines) and unquoted values that end at ` #`. No variable expansion: the
 * values reach the server as written, which is what VS Code does too.
 */

export interface DotenvResult {
  values: Record<string, string>;
  /** One line per line that was not understood, with its line number (1-based). */
  problems: string[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

export function parseDotenv(text: string): DotenvResult {
  const values: Record<string, string> = {};
  const problems: string[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNumber = i + 1;
    const line = lines[i].trim();
    if (!line || line.startsWith('#')) continue;
    const body = line.startsWith('export ') ? line.slice('export '.length).trimStart() : line;
    const eq = body.indexOf('=');
    if (eq <= 0) {
      problems.push(`line ${lineNumber}: expected NAME=value`);
      continue;
    }
    const name = body.slice(0, eq).trim();
    if (!NAME.test(name)) {
      problems.push(`line ${lineNumber}: "${name.slice(0, 60)}" is not a variable name`);
      continue;
    }
    let rest = body.slice(eq + 1).trimStart();
    const quote = rest[0];
    if (quote === '"' || quote === "'" || quote === '`') {
      // A quoted value may continue on the following lines until its closing quote.
      let raw = rest.slice(1);
      let close = findClosingQuote(raw, quote);
      while (close < 0 && i + 1 < lines.length) {
        i++;
        raw += `\n${lines[i]}`;
        close = findClosingQuote(raw, quote);
      }
      if (close < 0) {
        problems.push(`line ${lineNumber}: the ${quote} quote of ${name} is never closed`);
        continue;
      }
      const inner = raw.slice(0, close);
      values[name] = quote === '"' ? unescapeDouble(inner) : inner;
      continue;
    }
    const comment = rest.search(/\s#/);
    if (comment >= 0) rest = rest.slice(0, comment);
    values[name] = rest.trim();
  }
  return { values, problems };
}

function findClosingQuote(text: string, quote: string): number {
  for (let i = 0; i < text.length; i++) {
    if (quote === '"' && text[i] === '\\') {
      i++;
      continue;
    }
    if (text[i] === quote) return i;
  }
  return -1;
}

function unescapeDouble(text: string): string {
  return text.replace(/\\([nrt"\\])/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' })[c] ?? c);
}
