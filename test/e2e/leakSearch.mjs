/**
 * The leak search of the code-server end-to-end tests: which files under some folders contain a
 * secret (a token, a code, a client secret), found whole or by slices, in UTF-8 or UTF-16LE.
 * Reports only the file and which secret, never the secret itself.
 */
import * as fs from 'node:fs';
import { findFiles } from '../../scripts/codeServer.mjs';

export function allFiles(dir) {
  return findFiles(dir, /./);
}

/**
 * Needles for one secret: the whole value and two 12-character slices of its random part (so a truncated
 * or partially masked copy is found too), each as UTF-8 and as UTF-16LE (Chromium's localStorage and some
 * SQLite/LevelDB values are UTF-16).
 */
export function needlesFor(secret) {
  const body = secret.replace(/^(mcp_rt_|mcp_|gho_)/, '');
  const parts = [secret, body.slice(0, 12), body.slice(-12)];
  return parts.flatMap((p) => [Buffer.from(p, 'utf8'), Buffer.from(p, 'utf16le')]);
}

/** Files under `roots` that contain any of `secrets`; returns [{ file, which }] (never the secret itself). */
export function searchForSecrets(roots, secrets) {
  const hits = [];
  const needles = secrets.map((s, i) => ({ i, needles: needlesFor(s) }));
  let files = 0;
  let bytes = 0;
  for (const root of roots) {
    for (const file of allFiles(root)) {
      let data;
      try {
        data = fs.readFileSync(file);
      } catch {
        continue; // a socket or a file removed meanwhile
      }
      files++;
      bytes += data.length;
      for (const { i, needles: ns } of needles) {
        if (ns.some((n) => data.includes(n))) hits.push({ file, which: `token #${i} (${secrets[i].slice(0, 4)}…)` });
      }
    }
  }
  return { hits, files, bytes };
}
