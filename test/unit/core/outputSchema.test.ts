import { strict as assert } from 'node:assert';
import { checkOutputSchema } from '../../../src/core/outputSchema';

const weather = { type: 'object', properties: { temperature: { type: 'number' } }, required: ['temperature'] };

describe('core: the outputSchema check (MCP tools, "Output Schema")', () => {
  it('has nothing to say without an outputSchema, or for an isError result', () => {
    assert.equal(checkOutputSchema(undefined, { structuredContent: { a: 1 } }), undefined);
    assert.equal(checkOutputSchema(weather, { isError: true }), undefined);
    assert.equal(checkOutputSchema(weather, { isError: true, structuredContent: { temperature: 'hot' } }), undefined);
  });

  it('reports a match, a mismatch with its paths, and missing structuredContent', () => {
    assert.equal(checkOutputSchema(weather, { structuredContent: { temperature: 3 } })?.status, 'valid');
    const bad = checkOutputSchema(weather, { structuredContent: { temperature: 'hot' } });
    assert.deepEqual(bad, {
      ok: false,
      status: 'invalid',
      message: "structuredContent does not match the tool's outputSchema (1 error).",
      errors: [{ path: '/temperature', message: 'must be number' }],
    });
    assert.equal(checkOutputSchema(weather, { content: [] } as { structuredContent?: unknown })?.status, 'missing');
  });

  it('escapes property names in paths (RFC 6901) and checks formats, as the SDK does', () => {
    const schema = { type: 'object', properties: { mail: { type: 'string', format: 'email' } }, required: ['a/b~c'] };
    const check = checkOutputSchema(schema, { structuredContent: { mail: 'not an email' } });
    assert.deepEqual(check?.errors.map((e) => e.path).sort(), ['/a~1b~0c', '/mail']);
  });

  it('follows the $schema dialect: 2020-12 prefixItems are checked', () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { pair: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }] } },
    };
    assert.equal(checkOutputSchema(schema, { structuredContent: { pair: ['a', 1] } })?.ok, true);
    assert.deepEqual(checkOutputSchema(schema, { structuredContent: { pair: ['a', 'b'] } })?.errors, [
      { path: '/pair/1', message: 'must be number' },
    ]);
  });

  it('says when the outputSchema itself is not a valid schema, and never throws', () => {
    for (const schema of [
      { type: 'object', properties: { t: { type: 'celsius' } } },
      { type: 'object', properties: { t: { $ref: '#/$defs/missing' } } },
      { type: 'object', properties: { t: { type: 'string', pattern: '(' } } },
    ]) {
      const check = checkOutputSchema(schema, { structuredContent: { t: 1 } });
      assert.equal(check?.status, 'bad-schema', JSON.stringify(schema));
      assert.ok(check.errors.length > 0);
    }
    assert.equal(checkOutputSchema('nope', { structuredContent: {} })?.status, 'bad-schema');
  });

  it('checks two tools that reuse one $id independently', () => {
    const a = { $id: 'urn:same', type: 'object', properties: { x: { type: 'number' } } };
    const b = { $id: 'urn:same', type: 'object', properties: { x: { type: 'string' } } };
    assert.equal(checkOutputSchema(a, { structuredContent: { x: 1 } })?.ok, true);
    assert.equal(checkOutputSchema(b, { structuredContent: { x: 1 } })?.ok, false);
  });
});
