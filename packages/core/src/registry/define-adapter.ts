import { z } from 'zod';
import type { Adapter } from '../adapter/adapter.js';
import { OrchError } from '../errors/orch-error.js';
import type { StoreKind } from '../kinds.js';
import type { AdapterFactoryContext, AdapterRegistration } from './registry.js';

/**
 * Any validator that follows the Standard Schema interface (zod 4, valibot, arktype …): the
 * options schema of {@link defineAdapter}.
 */
export interface OptionsSchema<Output> {
  readonly '~standard': {
    validate(value: unknown): OptionsSchemaResult<Output> | Promise<OptionsSchemaResult<Output>>;
  };
}

type OptionsSchemaResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | {
      readonly issues: ReadonlyArray<{
        readonly message: string;
        readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
      }>;
    };

/** What the `create` of a {@link defineAdapter} definition receives: the context plus validated options. */
export interface DefinedAdapterContext<Options> extends AdapterFactoryContext {
  /** The store config without `url` and `scheme`, as the options schema returned it. */
  readonly options: Options;
}

/** Input of {@link defineAdapter}. */
export interface AdapterDefinition<Options> {
  /** The package name, shown in messages (e.g. `orch-adapter-foo`). */
  readonly name: string;
  /** Lower-case URL schemes without the colon. */
  readonly schemes: readonly string[];
  readonly kind: StoreKind | readonly StoreKind[];
  /**
   * Validates the store config (everything but `url` and `scheme`): a zod schema, or any
   * Standard Schema. Start from {@link storeOptionsShape} so the keys every store config may carry
   * are accepted, and make it strict so a misspelt option is an error, not a silent default.
   */
  readonly options: OptionsSchema<Options>;
  /** Build an adapter, unconnected; `createAdapter` connects it. */
  create(context: DefinedAdapterContext<Options>): Adapter | Promise<Adapter>;
}

/**
 * The keys any store config may carry, for an adapter's options schema to extend. `client` is
 * typed `unknown`: check it is the driver object you expect.
 *
 * @example
 * const options = z.object({ ...storeOptionsShape, namespace: z.string().optional() }).strict();
 */
export const storeOptionsShape = {
  timeoutMs: z.number().int().positive().optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  apiKey: z.string().optional(),
  client: z.unknown().optional(),
} as const;

/**
 * Declare an adapter: its schemes, kinds, an options schema, and a factory that receives the
 * validated, typed options. Invalid options fail with `ORCH_INVALID_CONFIG` naming each field
 * (never its value, which may be a credential). Pass the result to `registerAdapter`, or list it
 * in config `adapters: [...]`.
 *
 * @example
 * import { defineAdapter, registerAdapter, storeOptionsShape, z } from '@orch/core/adapter-kit';
 *
 * export const fooAdapter = defineAdapter({
 *   name: 'orch-adapter-foo',
 *   schemes: ['foo'],
 *   kind: 'vector',
 *   options: z.object({ ...storeOptionsShape, batchSize: z.number().int().positive().default(100) }).strict(),
 *   create: ({ url, options }) => new FooVectorStore(url, options.batchSize),
 * });
 * registerAdapter(fooAdapter);
 */
export function defineAdapter<Options>(definition: AdapterDefinition<Options>): AdapterRegistration {
  const { name, schemes, kind, options: schema, create } = definition;
  return Object.freeze({
    name,
    schemes,
    kind,
    async create(context: AdapterFactoryContext): Promise<Adapter> {
      const { url: _url, scheme: _scheme, ...rest } = context.config;
      const result = await schema['~standard'].validate(rest);
      if (result.issues) {
        const issues = result.issues.map((issue) => ({
          path:
            (issue.path ?? []).map((p) => String(typeof p === 'object' ? p.key : p)).join('.') || '(root)',
          message: issue.message,
        }));
        throw new OrchError(
          'ORCH_INVALID_CONFIG',
          `${name}: invalid ${context.kind} store options: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}.`,
          { kind: context.kind, details: { issues } },
        );
      }
      return create({ ...context, options: result.value });
    },
  });
}
