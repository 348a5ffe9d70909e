/**
 * A self-signed certificate for 127.0.0.1, made by openssl (.ci/run installs it) once per test process.
 * Tests that need one fail without openssl; they do not skip.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export interface KeyAndCert {
  key: Buffer;
  cert: Buffer;
}

let made: KeyAndCert | undefined;

export function selfSignedCert(): KeyAndCert {
  if (made) return made;
  const dir = mkdtempSync(path.join(tmpdir(), 'mcp-lens-tls-'));
  try {
    const key = path.join(dir, 'k.pem');
    const cert = path.join(dir, 'c.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    made = { key: readFileSync(key), cert: readFileSync(cert) };
    return made;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
