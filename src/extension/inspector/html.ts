/**
 * The inspector page. No `vscode` import: the panel and the Playwright harness render the very
 * same document (same CSP, same order of resources), so what the harness proves holds in VS Code.
 *
 * CSP (VS Code webview guide, "Content security policy"): nothing by default; scripts only with
 * this page's nonce (no inline handlers, no eval); styles and fonts only from the webview's own
 * resource origin (plus nonce'd style elements, see below); images from there or `data:` (tool results carry base64 images); audio from
 * `data:` only. Nothing can be fetched or framed from anywhere else.
 */

export interface InspectorHtmlOptions {
  /** `webview.cspSource`: the origin `asWebviewUri` URIs are served from. */
  cspSource: string;
  /** A fresh random nonce per render. */
  nonce: string;
  /** dist/webview.js through asWebviewUri. */
  scriptUri: string;
  /** codicon.css and media/inspector.css through asWebviewUri. */
  styleUris: string[];
  /** Test harness only: scripts that run before the bundle (they get the nonce too). */
  preScriptUris?: string[];
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    // The toolkit (FAST) probes :focus-visible support with a <style> element carrying the
    // nonce it reads from <meta property="csp-nonce">; no other inline style is allowed.
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    'media-src data:',
    "connect-src 'none'",
    "frame-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}

function attr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function inspectorHtml(o: InspectorHtmlOptions): string {
  if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(o.nonce)) throw new Error('The nonce must be at least 16 base64/hex characters.');
  const styles = o.styleUris.map((u) => `  <link rel="stylesheet" href="${attr(u)}">`).join('\n');
  const scripts = [...(o.preScriptUris ?? []), o.scriptUri]
    .map((u) => `  <script nonce="${o.nonce}" src="${attr(u)}"></script>`)
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(o.cspSource, o.nonce))}">
  <meta property="csp-nonce" content="${o.nonce}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <title>MCP Inspector</title>
${styles}
</head>
<body>
${scripts}
</body>
</html>
`;
}

/** 32 hex characters from a CSPRNG (crypto.getRandomValues exists in Node 18+ and browsers). */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
