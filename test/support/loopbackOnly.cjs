'use strict';
/**
 * `node -r ./test/support/loopbackOnly.cjs program.js` preload.
 *
 * Rewrites every TCP `net.Server#listen` (and so http/https/express `listen`) that would bind all
 * interfaces — no host, '', '0.0.0.0', '::' — to bind 127.0.0.1 instead. Third-party test peers such as
 * @modelcontextprotocol/server-everything call `app.listen(PORT)`, which listens on every interface;
 * this keeps them on loopback without patching their code. Unix-socket paths, handles and explicit
 * non-wildcard hosts are left alone.
 *
 * Works for ESM programs too: the preload patches the shared `net.Server.prototype` before the entry runs.
 */
const net = require('node:net');

const LOOPBACK = '127.0.0.1';
const WILDCARD_HOSTS = new Set(['', '0.0.0.0', '::', '::0', '0:0:0:0:0:0:0:0', '[::]']);

function isWildcardHost(host) {
  return host === undefined || host === null || (typeof host === 'string' && WILDCARD_HOSTS.has(host.trim()));
}

/** A port argument: a number, or a string of digits (PORT from the environment). */
function isPortLike(value) {
  return typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value.trim()));
}

/** A handle (`{ _handle }`, `{ fd }`, or a Server/Socket) is passed through untouched. */
function isHandle(value) {
  return value !== null && typeof value === 'object' && ('_handle' in value || 'fd' in value);
}

function rewriteListenArgs(args) {
  const first = args[0];
  // listen() / listen(callback): Node picks a random port on all interfaces.
  if (first === undefined || first === null || typeof first === 'function') {
    const rest = first === undefined || first === null ? args.slice(1) : args;
    return [{ port: 0, host: LOOPBACK }, ...rest];
  }
  // listen(port[, host][, backlog][, callback])
  if (isPortLike(first)) {
    const out = args.slice();
    if (typeof out[1] === 'string' || out[1] === undefined || out[1] === null) {
      if (out.length < 2 || isWildcardHost(out[1])) out[1] = LOOPBACK;
    } else {
      // listen(port, backlog, cb) or listen(port, cb): insert the host.
      out.splice(1, 0, LOOPBACK);
    }
    return out;
  }
  // listen(options[, callback]) — but not a Unix socket / named pipe (`path`) or a handle.
  if (typeof first === 'object' && !isHandle(first) && first.path === undefined) {
    if (isWildcardHost(first.host)) return [{ ...first, host: LOOPBACK }, ...args.slice(1)];
    return args;
  }
  // listen(path, ...) or listen(handle, ...)
  return args;
}

const originalListen = net.Server.prototype.listen;
if (!originalListen.__mcpLensLoopbackOnly) {
  const listen = function listen(...args) {
    return originalListen.apply(this, rewriteListenArgs(args));
  };
  Object.defineProperty(listen, '__mcpLensLoopbackOnly', { value: true });
  net.Server.prototype.listen = listen;
}

module.exports = { rewriteListenArgs, LOOPBACK };
