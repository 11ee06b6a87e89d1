import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { projectPath } from '../../../server/paths.js';

// The VSPC contract subset as JSON Schema for ajv: `x-veeam-nullable: true` becomes "may be
// null", and enums marked `x-extensible-enum` accept any string (new values are data).

/** A copy of ../shared/contracts/vspc-v3.7-subset.json kept beside the client generated from it. */
const CONTRACT_PATH = projectPath('server/connections/vspc/vspc-v3.7-subset.json');

type Json = Record<string, unknown>;

function loadContract(): Json {
  return JSON.parse(readFileSync(CONTRACT_PATH, 'utf8')) as Json;
}

/** Rewrites the contract's conventions into plain JSON Schema. */
export function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!node || typeof node !== 'object') return node;
  const src = node as Json;
  const out: Json = {};
  for (const [key, value] of Object.entries(src)) {
    if (key.startsWith('x-') || key === 'example' || key === 'examples' || key === 'readOnly' || key === 'description') continue;
    if (key === 'enum' && src['x-extensible-enum'] === true) continue;
    out[key] = toJsonSchema(value);
  }
  // The published document wraps every $ref property as `type: object, allOf: [$ref]`, even where
  // the referenced schema is a string enum (AsyncActionInfo.status): the $ref decides the type.
  if (Array.isArray(src.allOf) && src.allOf.length === 1 && (src.allOf[0] as Json).$ref) delete out.type;
  if (src['x-veeam-nullable'] === true) return { anyOf: [out, { type: 'null' }] };
  return out;
}

export interface ContractValidator {
  /** Validates an answer body of `operationId` with `status`; returns the errors as text, or null. */
  check(operationId: string, status: number, body: unknown): string | null;
}

export function contractValidator(): ContractValidator {
  const doc = loadContract();
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  for (const f of ['int32', 'int64', 'double', 'float', 'password']) ajv.addFormat(f, true);
  const rewriteRefs = (schema: unknown): Json => JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', '"vspc#/definitions/')) as Json;
  const components = rewriteRefs(toJsonSchema((doc.components as Json).schemas));
  ajv.addSchema({ $id: 'vspc', definitions: components });
  const compiled = new Map<string, ValidateFunction>();
  const operations = new Map<string, Json>();
  for (const item of Object.values(doc.paths as Record<string, Json>)) {
    for (const op of Object.values(item)) if (op && typeof op === 'object' && (op as Json).operationId) operations.set((op as Json).operationId as string, op as Json);
  }
  return {
    check(operationId, status, body) {
      const op = operations.get(operationId);
      if (!op) return `no operation ${operationId} in the contract`;
      const responses = op.responses as Record<string, Json>;
      const response = responses[String(status)] ?? responses.default;
      if (!response) return `${operationId} declares no ${status} answer`;
      const schema = ((response.content as Json | undefined)?.['application/json'] as Json | undefined)?.schema;
      if (!schema) return body === null || body === undefined || body === '' ? null : `${operationId} ${status} declares no body`;
      const key = `${operationId}:${status}`;
      let validate = compiled.get(key);
      if (!validate) {
        validate = ajv.compile(rewriteRefs(toJsonSchema(schema)));
        compiled.set(key, validate);
      }
      return validate(body) ? null : ajv.errorsText(validate.errors, { separator: '\n' });
    },
  };
}
