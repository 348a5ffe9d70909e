/**
 * Server text made safe for one line of a terminal or a report. Its own module (no Ajv behind it),
 * so the extension can print results without loading the assertion engine at activation.
 */
const MAX_SHOWN = 120;

/** Control characters escaped, clipped to a line's worth. */
export function shownText(text: string): string {
  const escaped = text.replace(
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g,
    (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  );
  return escaped.length > MAX_SHOWN ? `${escaped.slice(0, MAX_SHOWN)}…` : escaped;
}
