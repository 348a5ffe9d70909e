import type { Client, StandardSchemaV1 } from '@modelcontextprotocol/client';

/**
 * A spec method's result check on a v2 SDK client, made once per protocol era and method.
 *
 * `Client.request(request, options)` checks a spec method's result with the codec of the
 * negotiated era, but first, on every request, it asks that codec to check `undefined` to learn
 * whether the method exists in the era: that check fails, and the SDK formats zod's error for it.
 * Measured on a tool call over Streamable HTTP, that costs about 100 µs of client CPU per call,
 * about 6% of it: most of the gap between a bare v2 client and a bare v1 client. Given the same
 * check as an explicit schema (`request(request, schema, options)`), the SDK skips the probe and
 * does everything else as before: the era gate, the `resultType` decoding, the same check with
 * the same error text.
 *
 * The codec is reached through the client's protected `_wireCodec()`. If an SDK release drops
 * it, this returns undefined and the caller takes the SDK's own path, which is only slower.
 */
export function specResultSchema(client: Client, method: string): StandardSchemaV1 | undefined {
  const codec = (client as unknown as { _wireCodec?: () => WireCodec | undefined })._wireCodec?.();
  if (typeof codec?.validateResult !== 'function') return undefined;
  let byMethod = schemasByCodec.get(codec);
  if (!byMethod) {
    byMethod = new Map();
    schemasByCodec.set(codec, byMethod);
  }
  let schema = byMethod.get(method);
  if (schema === undefined) {
    // The probe the SDK makes on every request, made once: a method outside the era has no check
    // here, and the SDK's own path raises its error for it.
    const probe = codec.validateResult(method, undefined);
    schema = !probe.ok && probe.reason === 'not-in-era' ? null : checkWith(codec, method);
    byMethod.set(method, schema);
  }
  return schema ?? undefined;
}

/** The slice of the SDK's era codec used here (its function-only contract). */
interface WireCodec {
  validateResult(
    method: string,
    raw: unknown,
  ): { ok: true; value: unknown } | { ok: false; reason: 'not-in-era' | 'invalid'; message?: string };
}

/** Per codec (the SDK has one per era), the check of each method; null for a method outside the era. */
const schemasByCodec = new WeakMap<WireCodec, Map<string, StandardSchemaV1 | null>>();

/** The SDK's own adapter over `validateResult`, outcome for outcome, so its errors read the same. */
function checkWith(codec: WireCodec, method: string): StandardSchemaV1 {
  return {
    '~standard': {
      version: 1,
      vendor: 'mcp-lens',
      validate(value: unknown) {
        const outcome = codec.validateResult(method, value);
        if (outcome.ok) return { value: outcome.value };
        return {
          issues: [
            { message: outcome.reason === 'invalid' ? (outcome.message ?? 'invalid') : `not-in-era: ${method}` },
          ],
        };
      },
    },
  };
}
