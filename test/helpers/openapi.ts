/** Walks the hub's own OpenAPI document, so cross-cutting tests cover every route that exists. */
export interface Operation {
  method: string;
  path: string;
  permission: string | null;
  /** Every permission the route needs together (x-permissions), else the one in x-permission. */
  permissions: string[];
  body: JsonSchema | null;
}

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  additionalProperties?: boolean | JsonSchema;
  minLength?: number;
  maxLength?: number;
}

export function operations(spec: { paths: Record<string, Record<string, Record<string, unknown>>> }): Operation[] {
  const out: Operation[] = [];
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const body = (op.requestBody as { content?: Record<string, { schema?: JsonSchema }> } | undefined)?.content?.['application/json']?.schema ?? null;
      const permission = (op['x-permission'] as string | undefined) ?? null;
      const permissions = (op['x-permissions'] as string[] | undefined) ?? (permission ? [permission] : []);
      out.push({ method: method.toUpperCase(), path, permission, permissions, body });
    }
  }
  return out;
}

/** Fills path parameters with well-formed values that name nothing that exists. */
export function concretePath(path: string): string {
  return path.replace(/\{([^}]+)\}/g, (_, name: string) => (/month/i.test(name) ? '2026-10' : `missing_${name}`));
}

export function typeOf(schema: JsonSchema | undefined): string | undefined {
  if (!schema) return undefined;
  if (Array.isArray(schema.type)) return schema.type.find((t) => t !== 'null');
  if (schema.type) return schema.type;
  if (schema.enum) return typeof schema.enum[0];
  const first = schema.anyOf?.[0] ?? schema.oneOf?.[0];
  return first ? typeOf(first) : undefined;
}

/** A value of the wrong JSON type for a schema. */
export function wrongValue(schema: JsonSchema): unknown {
  switch (typeOf(schema)) {
    case 'string':
      return 12345;
    case 'number':
    case 'integer':
      return 'not a number';
    case 'boolean':
      return 'not a boolean';
    case 'array':
      return 'not a list';
    case 'object':
      return 'not an object';
    default:
      return undefined;
  }
}
