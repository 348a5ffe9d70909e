import * as assert from 'node:assert/strict';
import { argumentFields, defaultText, parseArgumentText } from '../../../src/extension/schemaArgs';
import { uniqueName, validateConnectionName } from '../../../src/extension/connectionNames';

describe('tool arguments from a JSON schema', () => {
  const fields = argumentFields({
    type: 'object',
    properties: {
      message: { type: 'string', description: 'what to echo' },
      count: { type: 'integer', minimum: 1, maximum: 10, default: 3 },
      ratio: { type: ['number', 'null'] },
      loud: { type: 'boolean' },
      color: { enum: ['red', 'green'] },
      tags: { type: 'array', items: { type: 'string' } },
      options: { type: 'object' },
      anything: {},
    },
    required: ['message', 'count'],
  });

  it('makes one typed field per property, required ones marked', () => {
    assert.deepEqual(
      fields.map((f) => [f.name, f.kind, f.required]),
      [
        ['message', 'string', true],
        ['count', 'integer', true],
        ['ratio', 'number', false],
        ['loud', 'boolean', false],
        ['color', 'enum', false],
        ['tags', 'json', false],
        ['options', 'json', false],
        ['anything', 'json', false],
      ],
    );
    assert.equal(fields[0].description, 'what to echo');
    assert.deepEqual(fields[4].enumValues, ['red', 'green']);
    assert.equal(fields[5].jsonType, 'array');
    assert.equal(defaultText(fields[1]), '3');
    assert.deepEqual(argumentFields(undefined), []);
  });

  const field = (name: string) => fields.find((f) => f.name === name)!;

  it('parses valid input into JSON values', () => {
    assert.deepEqual(parseArgumentText(field('message'), ' hi '), { ok: true, value: ' hi ' });
    assert.deepEqual(parseArgumentText(field('count'), '7'), { ok: true, value: 7 });
    assert.deepEqual(parseArgumentText(field('ratio'), '0.5'), { ok: true, value: 0.5 });
    assert.deepEqual(parseArgumentText(field('loud'), 'true'), { ok: true, value: true });
    assert.deepEqual(parseArgumentText(field('color'), '"green"'), { ok: true, value: 'green' });
    assert.deepEqual(parseArgumentText(field('tags'), '["a","b"]'), { ok: true, value: ['a', 'b'] });
    assert.deepEqual(parseArgumentText(field('options'), '{"a":1}'), { ok: true, value: { a: 1 } });
  });

  it('skips empty optional fields and refuses empty required ones', () => {
    assert.deepEqual(parseArgumentText(field('ratio'), ''), { ok: true, skip: true });
    assert.deepEqual(parseArgumentText(field('tags'), '  '), { ok: true, skip: true });
    assert.deepEqual(parseArgumentText(field('message'), ''), { ok: false, error: 'message is required.' });
    assert.deepEqual(parseArgumentText(field('count'), ''), { ok: false, error: 'count is required.' });
  });

  it('says what is wrong with bad input', () => {
    const error = (name: string, text: string) => {
      const r = parseArgumentText(field(name), text);
      assert.equal(r.ok, false, `${name}=${text} should be refused`);
      return (r as { error: string }).error;
    };
    assert.match(error('count', 'abc'), /must be a number; "abc" is not one/);
    assert.match(error('count', '2.5'), /whole number/);
    assert.match(error('count', '0'), /at least 1/);
    assert.match(error('count', '11'), /at most 10/);
    assert.match(error('color', '"blue"'), /one of "red", "green"/);
    assert.match(error('tags', '{"a":1}'), /JSON array/);
    assert.match(error('options', '[1]'), /JSON object/);
    assert.match(error('options', '{oops'), /must be JSON/);
  });
});

describe('connection names', () => {
  it('refuses empty and duplicate names (case-insensitive)', () => {
    assert.equal(validateConnectionName('  ', []), 'Enter a name for the connection.');
    assert.match(validateConnectionName('Everything', ['everything ']) ?? '', /already exists/);
    assert.equal(validateConnectionName('new', ['old']), undefined);
  });

  it('suggests a free default name', () => {
    assert.equal(uniqueName('server', []), 'server');
    assert.equal(uniqueName('server', ['Server', 'server (2)']), 'server (3)');
  });
});
