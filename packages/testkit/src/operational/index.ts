import assert from 'node:assert/strict';
import type { OperationalStore } from '@orch/core';
import { suiteContext } from '../common/context.js';
import { registerLifecycleTests } from '../common/lifecycle.js';
import { registerRedactionTests } from '../common/redaction.js';
import { uniqueName } from '../helpers/random.js';
import type { CommonSuiteOptions } from '../types.js';
import { registerBatchTests } from './batches.js';
import { registerCloseDuringTransactionTests } from './close-during-transaction.js';
import { registerConcurrencyTests } from './concurrency.js';
import { registerConstraintTests } from './constraints.js';
import { registerCrudTests } from './crud.js';
import { registerParameterTests } from './parameters.js';
import { registerRoundTripTests } from './round-trips.js';
import { registerSavepointTests } from './savepoints.js';
import { createTestTable, placeholders, readIds } from './sql.js';
import { registerTransactionContextTests } from './transaction-context.js';
import { registerTransactionFailureTests } from './transaction-failures.js';
import { registerTransactionTests } from './transactions.js';

/** Options of {@link operationalSuite}. */
export interface OperationalSuiteOptions extends CommonSuiteOptions<OperationalStore> {}

/**
 * Register the conformance tests of an {@link OperationalStore}: CRUD, transactions (commit,
 * rollback, savepoints, joining from inside the callback, concurrent callers), executeMany and
 * batch atomicity, parameter validation, round-trips, lifecycle and credential redaction.
 *
 * Every test creates its own store with `create()`, works in a uniquely named table (portable
 * `TEXT`/`INTEGER` DDL, placeholders per `store.dialect`), drops it and closes the store, so a
 * shared PostgreSQL server is fine.
 *
 * @example
 * // vitest
 * import { describe, it } from 'vitest';
 * import { createAdapter } from '@orch/core';
 * import { operationalSuite } from '@orch/testkit';
 * import '@orch/adapter-sqlite';
 *
 * operationalSuite({ name: 'sqlite', describe, it, create: () => createAdapter('operational', 'sqlite::memory:') });
 */
export function operationalSuite(options: OperationalSuiteOptions): void {
  const ctx = suiteContext<OperationalStore>('operational', options);
  options.describe(`${options.name}: operational store conformance`, () => {
    registerCrudTests(ctx);
    registerTransactionTests(ctx);
    registerSavepointTests(ctx);
    registerTransactionFailureTests(ctx);
    registerTransactionContextTests(ctx);
    registerConcurrencyTests(ctx);
    registerBatchTests(ctx);
    registerParameterTests(ctx);
    registerConstraintTests(ctx);
    registerRoundTripTests(ctx);
    registerCloseDuringTransactionTests(ctx);
    registerLifecycleTests<OperationalStore, { table: string; insert: string }>(ctx, {
      prepare: async (scope) => {
        const t = await createTestTable(scope);
        return { table: t.name, insert: t.insert };
      },
      unprepared: () => ({ table: uniqueName('tk_never_'), insert: 'INSERT INTO tk_never (id) VALUES (1)' }),
      probe: async (store, f) => {
        await store.execute(f.insert, ['probe', 'p', 1]);
        assert.deepEqual(await readIds(store, f.table), ['probe']);
      },
      operations: [
        { name: 'query', run: (s, f) => s.query(`SELECT id FROM ${f.table}`) },
        { name: 'execute', run: (s, f) => s.execute(f.insert, ['x', 'x', 1]) },
        { name: 'executeMany', run: (s, f) => s.executeMany(f.insert, [['y', 'y', 2]]) },
        { name: 'batch', run: (s, f) => s.batch([{ sql: f.insert, params: ['z', 'z', 3] }]) },
        { name: 'transaction', run: (s) => s.transaction(async () => 'ran') },
      ],
    });
    registerRedactionTests(ctx, {
      description: 'a failing query whose SQL quotes a connection URL',
      trigger: async ({ store }, text) => {
        const p = placeholders(store.dialect);
        // The literal is in the SQL text (which adapters like to quote in messages) and in a parameter.
        const missing = uniqueName('tk_missing_');
        return store.query(
          `SELECT '${text.replaceAll("'", "''")}' AS url FROM ${missing} WHERE id = ${p.at(1)}`,
          [text],
        );
      },
    });
  });
}
