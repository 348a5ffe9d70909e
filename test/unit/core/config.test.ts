import { strict as assert } from 'node:assert';
import {
  defaultConnectionName,
  formatCommandLine,
  parseCommandLine,
  parseEnvAssignment,
  parseHeaderLine,
  validateCommandLine,
  validateConfig,
  validateServerUrl,
  type ConnectionConfig,
} from '../../../src/core/config';

describe('config: command lines', () => {
  it('splits on whitespace and keeps quoted words whole', () => {
    assert.deepEqual(parseCommandLine('npx -y  @modelcontextprotocol/server-everything'), [
      'npx',
      '-y',
      '@modelcontextprotocol/server-everything',
    ]);
    assert.deepEqual(parseCommandLine(`node "my server.js" --name 'a b' c\\ d`), [
      'node',
      'my server.js',
      '--name',
      'a b',
      'c d',
    ]);
  });

  it('handles escapes inside double quotes and empty quoted words', () => {
    assert.deepEqual(parseCommandLine(`echo "say \\"hi\\"" '' "x\\\\y" "\\n"`), [
      'echo',
      'say "hi"',
      '',
      'x\\y',
      '\\n',
    ]);
  });

  it('joins adjacent quoted parts into one word', () => {
    assert.deepEqual(parseCommandLine(`--opt="a b"'c'`), ['--opt=a bc']);
  });

  it('rejects unterminated quotes with a clear message', () => {
    assert.throws(() => parseCommandLine('node "oops'), /Unterminated double quote/);
    assert.throws(() => parseCommandLine("node 'oops"), /Unterminated single quote/);
    assert.match(validateCommandLine('node "oops') ?? '', /Unterminated/);
    assert.match(validateCommandLine('   ') ?? '', /Enter the command/);
    assert.equal(validateCommandLine('node server.js'), undefined);
  });

  it('formats words so that parsing gives them back', () => {
    const words = ['node', 'a b', "it's", '', '--x=1', '$HOME'];
    assert.deepEqual(parseCommandLine(formatCommandLine(words)), words);
  });
});

describe('config: URLs, headers and env', () => {
  it('accepts http(s) URLs and says what is wrong with others', () => {
    assert.equal(validateServerUrl('http://127.0.0.1:3001/mcp'), undefined);
    assert.equal(validateServerUrl('https://example.com/sse'), undefined);
    assert.match(validateServerUrl('') ?? '', /Enter the server URL/);
    assert.match(validateServerUrl('localhost:3000') ?? '', /must start with http/);
    assert.match(validateServerUrl('not a url') ?? '', /is not a valid URL/);
    assert.match(validateServerUrl('ftp://host/x') ?? '', /must start with http/);
    assert.match(validateServerUrl('http://user:pw@host/x') ?? '', /credentials/);
  });

  it('parses header lines and env assignments', () => {
    assert.deepEqual(parseHeaderLine('Authorization: Bearer abc:def'), {
      name: 'Authorization',
      value: 'Bearer abc:def',
    });
    assert.match(parseHeaderLine('no colon') as string, /is not a header/);
    assert.match(parseHeaderLine('Bad Name: x') as string, /not a valid header name/);
    assert.deepEqual(parseEnvAssignment('API_URL=http://x?a=b'), { name: 'API_URL', value: 'http://x?a=b' });
    assert.match(parseEnvAssignment('1X=2') as string, /not a valid variable name/);
    assert.match(parseEnvAssignment('novalue') as string, /not an assignment/);
  });

  it('derives readable default names', () => {
    assert.equal(
      defaultConnectionName({
        transport: 'stdio',
        command: 'npx',
        args: ['-y', '@modelcontextprotocol/server-everything'],
      }),
      'server-everything',
    );
    assert.equal(
      defaultConnectionName({ transport: 'stdio', command: 'node', args: ['/srv/weather/build/index.js'] }),
      'weather',
    );
    assert.equal(
      defaultConnectionName({
        transport: 'stdio',
        command: 'node',
        args: ['/r/node_modules/@modelcontextprotocol/server-everything/dist/index.js', 'stdio'],
      }),
      'server-everything',
    );
    assert.equal(
      defaultConnectionName({ transport: 'stdio', command: 'python', args: ['weather_server.py'] }),
      'weather_server',
    );
    assert.equal(
      defaultConnectionName({ transport: 'streamable-http', url: 'http://127.0.0.1:8000/mcp' }),
      '127.0.0.1:8000',
    );
  });

  it('validates whole configs, including duplicate names', () => {
    const a: ConnectionConfig = { id: 'a', name: 'Server', transport: 'stdio', command: 'node', args: [] };
    const b: ConnectionConfig = {
      id: 'b',
      name: ' server ',
      transport: 'streamable-http',
      url: 'http://127.0.0.1/mcp',
    };
    assert.deepEqual(validateConfig(a, [a]), []);
    assert.match(validateConfig(b, [a]).join(), /already exists/);
    assert.match(validateConfig({ ...a, command: ' ' }).join(), /command is empty/);
    assert.match(validateConfig({ ...b, name: 'x', url: 'nope' }).join(), /not a valid URL/);
  });
});
