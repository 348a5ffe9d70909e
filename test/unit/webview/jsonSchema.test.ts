import * as assert from 'node:assert/strict';
import { formatPath, resolveRef, validate } from '../../../webview/jsonSchema';

describe('webview/jsonSchema validate', () => {
  const schema = {
    type: 'object',
    properties: {
      name: { type: 'string', minLength: 2 },
      age: { type: 'integer', minimum: 0, maximum: 150 },
      email: { type: 'string', format: 'email' },
      tags: { type: 'array', items: { type: 'string' }, maxItems: 2, uniqueItems: true },
      role: { enum: ['a', 'b'] },
      kind: { const: 'x' },
      nested: {
        type: 'object',
        properties: { zip: { type: 'string', pattern: '^[0-9]{5}$' } },
        required: ['zip'],
        additionalProperties: false,
      },
    },
    required: ['name'],
  };

  it('accepts a valid value', () => {
    assert.deepEqual(
      validate(
        schema,
        { name: 'Ada', age: 36, email: 'a@b.co', tags: ['x'], role: 'a', kind: 'x', nested: { zip: '12345' } },
        { formats: true },
      ),
      [],
    );
  });

  it('reports each problem with its path', () => {
    const errors = validate(
      schema,
      { age: 3.5, email: 'nope', tags: ['x', 'x', 'y'], role: 'c', kind: 'y', nested: { zip: '1', extra: 1 } },
      { formats: true },
    );
    const byPath = errors.map((e) => `${formatPath(e.path)}: ${e.message}`);
    assert.deepEqual(byPath.sort(), [
      'age: Expected an integer, got a number.',
      'email: Must be an email address.',
      'kind: Must be "x".',
      'name: Required.',
      'nested.extra: Unknown property "extra".',
      'nested.zip: Must match the pattern ^[0-9]{5}$.',
      'role: Must be one of: "a", "b".',
      'tags: At most 2 items.',
      'tags[1]: Duplicate of item 1.',
    ]);
  });

  it('formats are only checked when asked (JSON Schema treats them as annotations)', () => {
    assert.deepEqual(validate({ type: 'string', format: 'email' }, 'nope'), []);
    assert.equal(validate({ type: 'string', format: 'email' }, 'nope', { formats: true }).length, 1);
  });

  it('handles oneOf, anyOf, allOf, not, if/then and exclusive bounds', () => {
    const one = { oneOf: [{ type: 'string' }, { type: 'number' }] };
    assert.deepEqual(validate(one, 'x'), []);
    assert.match(validate(one, true)[0].message, /oneOf/);
    assert.match(validate({ oneOf: [{ type: 'number' }, { type: 'integer' }] }, 3)[0].message, /more than one/);
    assert.deepEqual(validate({ anyOf: [{ type: 'number' }, { type: 'integer' }] }, 3), []);
    assert.equal(validate({ allOf: [{ minimum: 1 }, { maximum: 2 }] }, 3).length, 1);
    assert.equal(validate({ not: { type: 'null' } }, null).length, 1);
    assert.equal(validate({ if: { const: 1 }, then: { const: 2 } }, 1).length, 1);
    assert.deepEqual(
      validate({ exclusiveMinimum: 0 }, 0).map((e) => e.message),
      ['Must be greater than 0.'],
    );
    assert.deepEqual(
      validate({ minimum: 0, exclusiveMinimum: true }, 0).map((e) => e.message),
      ['Must be greater than 0.'],
      'draft-04 boolean form',
    );
  });

  it('follows local $refs and survives cycles', () => {
    const s = {
      $defs: { node: { type: 'object', properties: { next: { $ref: '#/$defs/node' }, v: { type: 'number' } } } },
      $ref: '#/$defs/node',
    };
    assert.deepEqual(validate(s, { v: 1, next: { v: 2, next: { v: 3 } } }), []);
    assert.equal(validate(s, { next: { next: { v: 'x' } } })[0].path.join('.'), 'next.next.v');
    const loop = { $defs: { a: { $ref: '#/$defs/b' }, b: { $ref: '#/$defs/a' } }, $ref: '#/$defs/a' };
    assert.doesNotThrow(() => resolveRef(loop, loop));
    assert.doesNotThrow(() => validate(loop, 1));
  });

  it('does not throw on hostile schemas (bad regex, deep nesting, non-schema values)', () => {
    assert.deepEqual(validate({ type: 'string', pattern: '([' }, 'x'), []);
    let deep: Record<string, unknown> = { type: 'number' };
    for (let i = 0; i < 200; i++) deep = { type: 'array', items: deep };
    let value: unknown = 1;
    for (let i = 0; i < 200; i++) value = [value];
    assert.doesNotThrow(() => validate(deep, value));
    assert.doesNotThrow(() => validate({ properties: 'nope', required: [1, null], items: 5 } as never, { a: 1 }));
    assert.equal(validate(false, 1).length, 1);
    assert.deepEqual(validate(true, 1), []);
  });
});
