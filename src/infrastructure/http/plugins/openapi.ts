import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { COMPONENTS, ERROR_OVERVIEW } from '../openapi/components.js';
import { operationFacts, type OperationFacts } from '../openapi/operationDoc.js';
import { problemResponses, requestHeaders, successHeaders } from '../openapi/problemResponses.js';
import { isUnlimited } from './rateLimit.js';

export type OpenApiOptions = Readonly<{
  /** Where clients reach the API (PUBLIC_URL), the document's server; "/" (this host) when unset. */
  publicUrl?: string | undefined;
}>;

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/**
 * zod schemas on every route validate requests and responses and feed the OpenAPI 3.1 document
 * served at /v1/openapi.json, with a docs page at /docs. What the schemas cannot say (the errors
 * the shared handler answers, the headers hooks read and send) is added to each operation from
 * the route's facts (openapi/operationDoc.ts), so a new route is documented without repeating it.
 */
export async function registerOpenApi(app: FastifyInstance, options: OpenApiOptions = {}): Promise<void> {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // "METHOD /path/{param}" -> facts; routes are registered after this hook, the document is built once they all are.
  const facts = new Map<string, OperationFacts>();
  app.addHook('onRoute', (route) => {
    if (route.schema?.hide) return;
    const path = route.url.replace(/:(\w+)/g, '{$1}');
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') facts.set(`${method.toLowerCase()} ${path}`, operationFacts(route, isUnlimited));
    }
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Tillstream API',
        version: '1',
        description:
          'Commands (POST) answer the new stream revision and global position; queries (GET) read projections. ' +
          `Amounts are integers in minor units of the tenant currency. ${ERROR_OVERVIEW}`,
      },
      servers: [{ url: options.publicUrl ?? '/' }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: (document) => ('openapiObject' in document ? completeDocument(document.openapiObject, facts) : document.swaggerObject),
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/v1/openapi.json', { schema: { hide: true }, config: { public: true } }, () => app.swagger());
}

type JsonObject = Record<string, unknown>;
const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const objectAt = (value: JsonObject, key: string): JsonObject => {
  const found = value[key];
  return isObject(found) ? found : {};
};

/**
 * The document with the shared components, and each operation's problems and headers. Walked as
 * JSON: it is what @fastify/swagger built, typed as the union of every OpenAPI version it writes.
 */
function completeDocument(document: unknown, facts: ReadonlyMap<string, OperationFacts>): JsonObject {
  if (!isObject(document)) return {};
  const paths: JsonObject = {};
  for (const [path, item] of Object.entries(objectAt(document, 'paths'))) {
    if (!isObject(item)) continue;
    const completed: JsonObject = { ...item };
    for (const method of METHODS) {
      const operation = item[method];
      const known = facts.get(`${method} ${path}`);
      if (isObject(operation) && known) completed[method] = completeOperation(operation, known);
    }
    paths[path] = completed;
  }
  const components = objectAt(document, 'components');
  return {
    ...document,
    paths,
    components: {
      ...components,
      schemas: { ...objectAt(components, 'schemas'), ...COMPONENTS.schemas },
      headers: { ...objectAt(components, 'headers'), ...COMPONENTS.headers },
    },
  };
}

function completeOperation(operation: JsonObject, facts: OperationFacts): JsonObject {
  const success = Object.fromEntries(
    Object.entries(objectAt(operation, 'responses'))
      // The problems below replace whatever a route's schema said of its errors.
      .filter(([status]) => !/^[45]/.test(status))
      .map(([status, response]) => [
        status,
        isObject(response) && response.$ref === undefined
          ? { ...response, ...withCsv(response, facts), headers: { ...objectAt(response, 'headers'), ...successHeaders(facts) } }
          : response,
      ]),
  );
  const headers = requestHeaders(facts);
  const named = new Set(headers.map((header) => header.name.toLowerCase()));
  const given = Array.isArray(operation.parameters) ? (operation.parameters as unknown[]) : [];
  const parameters = [
    ...given.filter((p) => !isObject(p) || p.in !== 'header' || typeof p.name !== 'string' || !named.has(p.name.toLowerCase())),
    ...headers,
  ];
  return { ...operation, parameters, responses: { ...success, ...problemResponses(facts) } };
}

/** A query's success answer also as `text/csv` (for `Accept: text/csv`), beside its JSON. */
function withCsv(response: JsonObject, facts: OperationFacts): JsonObject {
  if (!facts.csv) return {};
  const csv = {
    schema: { type: 'string', description: 'RFC 4180 CSV, streamed: a header row, then every row of the result (all pages), amounts as integers in minor units' },
  };
  return { content: { ...objectAt(response, 'content'), 'text/csv': csv } };
}
