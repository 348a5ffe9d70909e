import * as assert from 'node:assert/strict';
import {
  base64Bytes,
  formatBytes,
  formatDuration,
  formatRelative,
  isBase64,
  mediaKind,
  tryParseJson,
} from '../../../webview/format';

describe('webview/format', () => {
  it('formats sizes, durations and relative times', () => {
    assert.deepEqual(
      [formatBytes(512), formatBytes(2048), formatBytes(5 * 1024 * 1024)],
      ['512 B', '2.0 KB', '5.0 MB'],
    );
    assert.deepEqual(
      [formatDuration(0.2), formatDuration(12.4), formatDuration(1534), formatDuration(61_000)],
      ['<1 ms', '12 ms', '1.53 s', '1 min 1 s'],
    );
    assert.equal(formatRelative(1_000 + 54 * 60_000, 1_000), 'in 54 min');
    assert.equal(formatRelative(0, 3 * 3_600_000), '3 h ago');
  });

  it('sizes and checks base64 without decoding', () => {
    assert.equal(base64Bytes('iVBORw=='), 4);
    assert.equal(base64Bytes(Buffer.alloc(1000).toString('base64')), 1000);
    assert.ok(isBase64('iVBORw0KGgo='));
    assert.ok(!isBase64('"><img src=x>'));
  });

  it('classifies MIME types for display', () => {
    assert.deepEqual(
      [
        'application/json',
        'application/ld+json',
        'text/markdown',
        'image/png',
        'image/svg+xml',
        'audio/wav',
        'application/pdf',
        undefined,
      ].map(mediaKind),
      ['json', 'json', 'text', 'image', 'text', 'audio', 'binary', 'text'],
    );
    assert.deepEqual(tryParseJson(' {"a":1}'), { a: 1 });
    assert.equal(tryParseJson('12'), undefined);
    assert.equal(tryParseJson('{bad'), undefined);
  });
});
