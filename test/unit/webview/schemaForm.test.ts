import * as assert from 'node:assert/strict';
import type { Schema } from '../../../webview/jsonSchema';
import {
  defaultValue,
  describeField,
  getAt,
  itemSchema,
  matchOption,
  matchesFilter,
  moveItem,
  newItemValue,
  objectProperties,
  parseArgsJson,
  parseNumberInput,
  removeItem,
  setAt,
  titledEnum,
  toolSearchText,
} from '../../../webview/schemaForm';

const schema = {
  type: 'object',
  properties: {
    name: { type: 'string', title: 'Full name', description: 'shown to others' },
    email: { type: 'string', format: 'email' },
    when: { type: 'string', format: 'date-time' },
    notes: { type: 'string' },
    age: { type: 'integer', minimum: 0, maximum: 150 },
    ratio: { type: 'number', exclusiveMinimum: 0 },
    role: { type: 'string', enum: ['viewer', 'admin'], default: 'viewer' },
    active: { type: 'boolean' },
    agree: { type: 'boolean' },
    tags: { type: 'array', items: { type: 'string' }, maxItems: 3 },
    address: {
      type: 'object',
      properties: { city: { type: 'string' }, country: { type: 'string', default: 'UK' } },
      required: ['city'],
    },
    contact: {
      oneOf: [
        {
          title: 'Email',
          type: 'object',
          properties: { kind: { const: 'email' }, address: { type: 'string' } },
          required: ['kind', 'address'],
        },
        {
          type: 'object',
          properties: { kind: { const: 'phone' }, number: { type: 'string' } },
          required: ['kind', 'number'],
        },
      ],
    },
    maybe: { type: ['string', 'null'] },
    either: { type: ['string', 'number'] },
    map: { type: 'object', additionalProperties: { type: 'number' } },
    ref: { $ref: '#/$defs/point' },
    composed: {
      allOf: [
        { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
        { properties: { b: { type: 'number' } } },
      ],
    },
  },
  required: ['name', 'agree', 'address'],
  $defs: { point: { type: 'object', properties: { x: { type: 'number' }, y: { type: 'number' } } } },
};
const field = (name: string, required = false) =>
  describeField((schema.properties as Record<string, Schema>)[name], schema, name, required);

describe('webview/schemaForm', () => {
  it('chooses the control, label, help and constraints per schema', () => {
    assert.deepEqual(
      [field('name').kind, field('name').label, field('name').description],
      ['string', 'Full name', 'shown to others'],
    );
    assert.deepEqual([field('email').inputType, field('email').constraints], ['email', ['format: email']]);
    assert.equal(
      field('when').placeholder,
      '2025-01-31T12:00:00Z',
      'date-time keeps a text box (time zones) with a hint',
    );
    assert.equal(field('notes').multiline, true, 'named like free text');
    assert.equal(field('name').multiline, false);
    assert.deepEqual([field('age').kind, field('age').constraints], ['integer', ['whole number', '0 – 150']]);
    assert.deepEqual(field('ratio').constraints, ['> 0']);
    assert.deepEqual(
      [field('role').kind, field('role').enumValues, field('role').default],
      ['enum', ['viewer', 'admin'], 'viewer'],
    );
    assert.equal(field('active').kind, 'boolean');
    assert.deepEqual([field('tags').kind, field('tags').constraints], ['array', ['at most 3 items']]);
    assert.equal(field('address').kind, 'object');
    const contact = field('contact');
    assert.equal(contact.kind, 'choice');
    assert.deepEqual(
      contact.options?.map((o) => o.label),
      ['Email', 'kind: phone'],
      'titles, else the discriminator',
    );
    assert.deepEqual([field('maybe').kind, field('maybe').nullable], ['string', true]);
    assert.deepEqual(
      field('either').options?.map((o) => o.label),
      ['string', 'number'],
    );
    assert.equal(field('map').kind, 'json', 'a map is edited as JSON');
    assert.equal(field('ref').kind, 'object');
    assert.deepEqual(
      objectProperties(field('ref')).map((p) => p.name),
      ['x', 'y'],
    );
    const composed = field('composed');
    assert.equal(composed.kind, 'object');
    assert.deepEqual(
      objectProperties(composed).map((p) => [p.name, p.required]),
      [
        ['a', true],
        ['b', false],
      ],
    );
  });

  it('starts from defaults: required objects created, required booleans false, optional fields left out', () => {
    assert.deepEqual(defaultValue(schema, schema, true), { role: 'viewer', agree: false, address: { country: 'UK' } });
  });

  it('makes new array items and oneOf values a control can show', () => {
    assert.equal(newItemValue({ type: 'string' }, schema), '');
    assert.equal(newItemValue({ type: 'integer', minimum: 5 }, schema), 5);
    assert.equal(newItemValue({ enum: ['a', 'b'] }, schema), 'a');
    assert.deepEqual(newItemValue(field('contact').options![1].schema, schema), { kind: 'phone' });
    assert.deepEqual(
      itemSchema(
        describeField({ type: 'array', prefixItems: [{ type: 'string' }], items: { type: 'number' } }, {}, 'x', true),
        3,
      ),
      { type: 'number' },
    );
  });

  it('matches a value to its oneOf option, also while it is half filled', () => {
    const options = field('contact').options!;
    assert.equal(matchOption(options, { kind: 'email', address: 'a@b' }, schema), 0);
    assert.equal(matchOption(options, { kind: 'phone' }, schema), 1, 'discriminator wins although number is missing');
    assert.equal(matchOption(options, { number: '1' }, schema), 1, 'fewest errors');
    assert.equal(matchOption(field('either').options!, 3, schema), 1);
  });

  it('parses number boxes strictly', () => {
    assert.deepEqual(parseNumberInput('', false), { ok: true, value: undefined });
    assert.deepEqual(parseNumberInput(' 12.5 ', false), { ok: true, value: 12.5 });
    assert.deepEqual(parseNumberInput('1e3', true), { ok: true, value: 1000 });
    assert.deepEqual(parseNumberInput('12a', false), { ok: false, error: 'Enter a number.' });
    assert.deepEqual(parseNumberInput('1.5', true), { ok: false, error: 'Enter a whole number.' });
    assert.deepEqual(parseNumberInput('0x10', true), { ok: false, error: 'Enter a whole number.' });
    assert.deepEqual(parseNumberInput('1e999', false), { ok: false, error: 'The number is too large.' });
  });

  it('edits values immutably at a path', () => {
    const v0 = { a: { b: [1, 2, 3] } };
    const v1 = setAt(v0, ['a', 'b', 1], 9);
    assert.deepEqual(v1, { a: { b: [1, 9, 3] } });
    assert.deepEqual(v0, { a: { b: [1, 2, 3] } }, 'the original is untouched');
    assert.deepEqual(setAt({}, ['x', 'y'], 'z'), { x: { y: 'z' } });
    assert.deepEqual(setAt({ a: 1, b: 2 }, ['a'], undefined), { b: 2 }, 'undefined deletes');
    assert.deepEqual(removeItem(v0, ['a', 'b'], 0), { a: { b: [2, 3] } });
    assert.deepEqual(moveItem(v0, ['a', 'b'], 0, 2), { a: { b: [2, 3, 1] } });
    assert.equal(getAt(v0, ['a', 'b', 2]), 3);
    assert.equal(getAt(v0, ['a', 'nope', 2]), undefined);
    assert.equal(getAt({ a: 1 }, ['toString']), undefined, 'no prototype lookups');
  });

  it('parses the raw JSON box into an arguments object', () => {
    assert.deepEqual(parseArgsJson(''), { ok: true, value: {} });
    assert.deepEqual(parseArgsJson('{"a":1}'), { ok: true, value: { a: 1 } });
    assert.equal(parseArgsJson('[1]').ok, false);
    assert.match((parseArgsJson('{oops') as { error: string }).error, /^Not valid JSON/);
  });

  it('filters tools by every term, in any order, case-insensitively', () => {
    const hay = toolSearchText({ name: 'createUser', title: 'Create user', description: 'Sends an INVITATION' });
    assert.ok(matchesFilter(hay, 'invitation create'));
    assert.ok(matchesFilter(hay, '  '));
    assert.ok(!matchesFilter(hay, 'create delete'));
  });

  it('turns titled enums (oneOf/anyOf of const, enumNames) into a dropdown with titles, and enum arrays into a multi-select (MCP elicitation)', () => {
    const titled: Schema = {
      type: 'string',
      oneOf: [
        { const: '#f00', title: 'Red' },
        { const: '#0f0', title: 'Green' },
      ],
      default: '#0f0',
    };
    const f = describeField(titled, titled, 'color', true);
    assert.equal(f.kind, 'enum');
    assert.deepEqual(f.enumValues, ['#f00', '#0f0']);
    assert.deepEqual(f.enumLabels, ['Red', 'Green']);
    assert.equal(defaultValue(titled, titled, true), '#0f0');
    const legacy: Schema = { type: 'string', enum: ['a', 'b'], enumNames: ['Alpha', ''] };
    assert.deepEqual(titledEnum(legacy, legacy), { values: ['a', 'b'], labels: ['Alpha', 'b'] });
    // A oneOf that is not all constants stays a choice between sub-forms.
    const mixed: Schema = { oneOf: [{ const: 1 }, { type: 'string' }] };
    assert.equal(describeField(mixed, mixed, 'x', true).kind, 'choice');

    const multi: Schema = { type: 'array', items: { type: 'string', enum: ['x', 'y'] }, default: ['y'] };
    const m = describeField(multi, multi, 'picks', false);
    assert.equal(m.kind, 'multi');
    assert.deepEqual(m.enumLabels, ['x', 'y']);
    assert.deepEqual(defaultValue(multi, multi, false), ['y']);
    const titledMulti: Schema = { type: 'array', items: { anyOf: [{ const: 'a', title: 'Alpha' }] } };
    const t = describeField(titledMulti, titledMulti, 'tags', true);
    assert.equal(t.kind, 'multi');
    assert.deepEqual(t.enumLabels, ['Alpha']);
    assert.deepEqual(defaultValue(titledMulti, titledMulti, true), []);
    assert.equal(defaultValue(titledMulti, titledMulti, false), undefined);
  });
});
