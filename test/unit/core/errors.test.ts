import { strict as assert } from 'node:assert';
import { OAuthFlowError } from '../../../src/core/auth/errors';
import { AuthRequiredError, ConnectionError } from '../../../src/core/errors';

/** A second, independent copy of a module, as the lazily loaded engine bundle carries. */
function freshCopy<T>(modulePath: string): T {
  const resolved = require.resolve(modulePath);
  const saved = require.cache[resolved];
  delete require.cache[resolved];
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a second evaluation is the point
    return require(resolved) as T;
  } finally {
    if (saved) require.cache[resolved] = saved;
  }
}

describe('core: error classes across bundles', () => {
  it('instanceof holds for an error made by another copy of the class, and only for its own kind', () => {
    const other = freshCopy<typeof import('../../../src/core/errors')>('../../../src/core/errors');
    assert.notEqual(other.ConnectionError, ConnectionError, 'a distinct class object');
    const foreign = new other.ConnectionError('refused', 'no', 'hint');
    assert.ok(foreign instanceof ConnectionError);
    assert.ok(foreign instanceof Error);
    assert.equal(foreign.fullMessage, 'no hint');
    assert.ok(new other.AuthRequiredError('sign in') instanceof AuthRequiredError);
    assert.equal(foreign instanceof AuthRequiredError, false);
    assert.equal(new Error('x') instanceof ConnectionError, false);
    assert.equal({ code: 'refused' } instanceof ConnectionError, false, 'shape alone is not enough');
  });

  it('holds for OAuthFlowError too', () => {
    const other = freshCopy<typeof import('../../../src/core/auth/errors')>('../../../src/core/auth/errors');
    assert.ok(new other.OAuthFlowError('cancelled', 'x') instanceof OAuthFlowError);
    assert.equal(new ConnectionError('cancelled', 'x') instanceof OAuthFlowError, false);
  });
});
