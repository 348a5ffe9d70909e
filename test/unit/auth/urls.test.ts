import * as assert from 'node:assert/strict';
import { buildDiscoveryUrls } from '@modelcontextprotocol/sdk/client/auth.js';
import { OAuthFlowError } from '../../../src/core/auth/errors.js';
import { protectedResourceMetadataUrls, checkAuthorizationServerMetadata } from '../../../src/core/auth/discovery.js';
import {
  assertAuthorizationEndpoint,
  assertSecureUrl,
  canonicalResource,
  isLoopbackHost,
  issuersEqual,
  resourceMatches,
} from '../../../src/core/auth/urls.js';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof OAuthFlowError ? error.code : 'other';
  }
  return undefined;
}

describe('auth URL rules', () => {
  it('knows loopback hosts: 127.0.0.0/8, ::1, localhost — nothing else', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', '[::1]']) assert.ok(isLoopbackHost(h), h);
    for (const h of [
      '128.0.0.1',
      '127.0.0.256',
      'example.com',
      'localhost.example.com',
      '0.0.0.0',
      '10.0.0.1',
      '[::2]',
    ]) {
      assert.ok(!isLoopbackHost(h), h);
    }
  });

  it('allows https anywhere and http only on loopback', () => {
    assert.equal(
      code(() => assertSecureUrl('https://as.example/token', 'token endpoint')),
      undefined,
    );
    assert.equal(
      code(() => assertSecureUrl('http://127.0.0.1:9/token', 'token endpoint')),
      undefined,
    );
    assert.equal(
      code(() => assertSecureUrl('http://localhost:9/token', 'token endpoint')),
      undefined,
    );
    assert.equal(
      code(() => assertSecureUrl('http://example.com/token', 'token endpoint')),
      'insecure-url',
    );
    assert.equal(
      code(() => assertSecureUrl('ftp://example.com/token', 'token endpoint')),
      'insecure-url',
    );
    assert.equal(
      code(() => assertSecureUrl('not a url', 'token endpoint')),
      'insecure-url',
    );
  });

  it('opens only http(s) authorization endpoints', () => {
    for (const bad of [
      'javascript:alert(1)',
      'data:text/html,x',
      'file:///etc/passwd',
      'vbscript:x',
      'http://example.com/authorize',
    ]) {
      assert.equal(
        code(() => assertAuthorizationEndpoint(bad)),
        'insecure-url',
        bad,
      );
    }
    assert.equal(
      code(() => assertAuthorizationEndpoint('https://as.example/authorize')),
      undefined,
    );
    assert.equal(
      code(() => assertAuthorizationEndpoint(undefined)),
      'unsupported-server',
    );
  });

  it('canonicalises the resource (no fragment, lower-case host)', () => {
    assert.equal(canonicalResource('HTTPS://MCP.Example.com/mcp#frag'), 'https://mcp.example.com/mcp');
  });

  it('matches the PRM resource to the server URL (same origin, path prefix on a segment boundary)', () => {
    assert.ok(resourceMatches('https://a.example/mcp', 'https://a.example/mcp'));
    assert.ok(resourceMatches('https://a.example/mcp', 'https://a.example'));
    assert.ok(resourceMatches('https://a.example/mcp/x', 'https://a.example/mcp/'));
    assert.ok(!resourceMatches('https://a.example/mcp', 'https://evil.example.com/mcp'));
    assert.ok(!resourceMatches('https://a.example/mcp', 'https://a.example/mcp2'));
    assert.ok(!resourceMatches('https://a.example/mcp', 'https://a.example/other'));
    assert.ok(!resourceMatches('https://a.example/mcp', 'http://a.example/mcp'));
  });

  it('compares issuers exactly, tolerating only the root slash', () => {
    assert.ok(issuersEqual('https://as.example', 'https://as.example/'));
    assert.ok(issuersEqual('https://as.example/tenant', 'https://as.example/tenant'));
    assert.ok(!issuersEqual('https://as.example/tenant', 'https://as.example/tenant/'));
    assert.ok(!issuersEqual('https://as.example', 'https://other.example'));
    assert.ok(!issuersEqual('https://as.example/a', 'https://as.example/b'));
  });

  it('tries PRM path-aware first, then root (RFC 9728 §3.1, MCP authorization)', () => {
    assert.deepEqual(protectedResourceMetadataUrls('https://a.example/public/mcp'), [
      'https://a.example/.well-known/oauth-protected-resource/public/mcp',
      'https://a.example/.well-known/oauth-protected-resource',
    ]);
    assert.deepEqual(protectedResourceMetadataUrls('https://a.example/'), [
      'https://a.example/.well-known/oauth-protected-resource',
    ]);
  });

  it('tries AS metadata in the checklist order (the SDK helper we build on)', () => {
    assert.deepEqual(
      buildDiscoveryUrls('https://as.example/tenant1').map((u) => u.url.href),
      [
        'https://as.example/.well-known/oauth-authorization-server/tenant1',
        'https://as.example/.well-known/openid-configuration/tenant1',
        'https://as.example/tenant1/.well-known/openid-configuration',
      ],
    );
    assert.deepEqual(
      buildDiscoveryUrls('https://as.example').map((u) => u.url.href),
      [
        'https://as.example/.well-known/oauth-authorization-server',
        'https://as.example/.well-known/openid-configuration',
      ],
    );
  });

  it('checks AS metadata: PKCE S256 advertised, endpoints secure', () => {
    const good = {
      authorization_endpoint: 'https://as.example/authorize',
      token_endpoint: 'https://as.example/token',
      code_challenge_methods_supported: ['S256'],
    };
    assert.equal(
      code(() => checkAuthorizationServerMetadata(good)),
      undefined,
    );
    assert.equal(
      code(() => checkAuthorizationServerMetadata({ ...good, code_challenge_methods_supported: undefined })),
      'pkce-unsupported',
    );
    assert.equal(
      code(() => checkAuthorizationServerMetadata({ ...good, code_challenge_methods_supported: ['plain'] })),
      'pkce-unsupported',
    );
    assert.equal(
      code(() => checkAuthorizationServerMetadata({ ...good, revocation_endpoint: 'http://example.com/revoke' })),
      'insecure-url',
    );
    assert.equal(
      code(() => checkAuthorizationServerMetadata({ ...good, authorization_endpoint: 'javascript:alert(1)' })),
      'insecure-url',
    );
  });
});
