import assert from 'node:assert/strict';
import type { Adapter, HealthReport } from '@orch/core';
import { expectOrchError } from '../helpers/errors.js';
import type { StoreScope } from '../helpers/with-store.js';
import type { SuiteContext } from './context.js';

/** One store operation, run after close to check that it rejects with ORCH_CLOSED. */
export interface LifecycleOperation<S, F> {
  readonly name: string;
  run(store: S, fixture: F): Promise<unknown>;
}

/** How a suite plugs its kind-specific operations into the shared lifecycle tests. */
export interface LifecycleSpec<S extends Adapter, F> {
  /** Create what the operations need (a table, a collection, nodes) so ORCH_CLOSED is not confused with ORCH_NOT_FOUND. */
  prepare(scope: StoreScope<S>): Promise<F>;
  /** A fixture naming resources that were never created, for the close-before-use test. */
  unprepared(): F;
  /** An operation that must succeed and be checked while the store is open. */
  probe(store: S, fixture: F): Promise<void>;
  /** Every public operation of the kind. */
  readonly operations: readonly LifecycleOperation<S, F>[];
}

/** The lifecycle contract of `Adapter`: close is final and idempotent, health never throws. */
export function registerLifecycleTests<S extends Adapter, F>(
  ctx: SuiteContext<S>,
  spec: LifecycleSpec<S, F>,
): void {
  ctx.describe('lifecycle', () => {
    ctx.test('reports its kind and a scheme', async ({ store }) => {
      assert.equal(store.kind, ctx.kind);
      assert.equal(typeof store.scheme, 'string');
      assert.match(
        store.scheme,
        /^[a-z][a-z0-9+.-]*$/,
        'scheme is a lower-case URL scheme without the colon',
      );
      assert.equal(store.closed, false, 'a new store is not closed');
    });

    ctx.test('health() is healthy while open and reports a latency', async (scope) => {
      const fixture = await spec.prepare(scope);
      await spec.probe(scope.store, fixture);
      const report = await scope.store.health();
      assertReportShape(report);
      assert.equal(report.status, 'healthy', `expected healthy, got ${JSON.stringify(report)}`);
      assert.equal(report.error, undefined, 'a healthy report carries no error');
    });

    ctx.test('connect() is idempotent and concurrent calls share one attempt', async (scope) => {
      await Promise.all([scope.store.connect(), scope.store.connect(), scope.store.connect()]);
      await scope.store.connect();
      const fixture = await spec.prepare(scope);
      await spec.probe(scope.store, fixture);
    });

    ctx.test('every operation rejects with ORCH_CLOSED after close()', async (scope) => {
      const fixture = await spec.prepare(scope);
      await spec.probe(scope.store, fixture);
      await scope.store.close();
      assert.equal(scope.store.closed, true, '`closed` is true after close()');
      for (const op of spec.operations) {
        await expectOrchError(
          () => op.run(scope.store, fixture),
          'ORCH_CLOSED',
          `${op.name} after close()`,
          ctx.kind,
        );
      }
      await expectOrchError(() => scope.store.connect(), 'ORCH_CLOSED', 'connect() after close()', ctx.kind);
    });

    ctx.test('health() reports unhealthy with ORCH_CLOSED after close() and never throws', async (scope) => {
      const fixture = await spec.prepare(scope);
      await spec.probe(scope.store, fixture);
      await scope.store.close();
      let report: HealthReport;
      try {
        report = await scope.store.health();
      } catch (err) {
        assert.fail(`health() must never throw, but after close() it rejected: ${String(err)}`);
      }
      assertReportShape(report);
      assert.equal(report.status, 'unhealthy');
      assert.ok(report.error, 'an unhealthy report carries an error');
      assert.equal(report.error.code, 'ORCH_CLOSED');
      assert.equal(typeof report.error.message, 'string');
    });

    ctx.test('close() is idempotent, also when called concurrently', async (scope) => {
      const fixture = await spec.prepare(scope);
      await spec.probe(scope.store, fixture);
      const results = await Promise.allSettled([
        scope.store.close(),
        scope.store.close(),
        scope.store.close(),
      ]);
      assert.deepEqual(
        results.map((r) => r.status),
        ['fulfilled', 'fulfilled', 'fulfilled'],
        'concurrent close() calls all resolve',
      );
      await scope.store.close();
      assert.equal(scope.store.closed, true);
      const first = spec.operations[0]!;
      await expectOrchError(
        () => first.run(scope.store, fixture),
        'ORCH_CLOSED',
        `${first.name} after repeated close()`,
        ctx.kind,
      );
    });

    ctx.test('close() before first use is final too', async ({ store }) => {
      await store.close();
      assert.equal(store.closed, true);
      const first = spec.operations[0]!;
      // The fixture was never created; the closed check must come before any lookup.
      await expectOrchError(
        () => first.run(store, spec.unprepared()),
        'ORCH_CLOSED',
        `${first.name} on a store closed before use`,
        ctx.kind,
      );
      const report = await store.health();
      assert.equal(report.status, 'unhealthy');
      assert.equal(report.error?.code, 'ORCH_CLOSED');
    });

    ctx.test('Symbol.asyncDispose closes the store (await using)', async (scope) => {
      const fixture = await spec.prepare(scope);
      await spec.probe(scope.store, fixture);
      assert.equal(typeof scope.store[Symbol.asyncDispose], 'function');
      await scope.store[Symbol.asyncDispose]();
      assert.equal(scope.store.closed, true);
      const first = spec.operations[0]!;
      await expectOrchError(
        () => first.run(scope.store, fixture),
        'ORCH_CLOSED',
        `${first.name} after asyncDispose`,
        ctx.kind,
      );
    });
  });
}

function assertReportShape(report: HealthReport): void {
  assert.ok(report !== null && typeof report === 'object', 'health() resolves with an object');
  assert.ok(
    report.status === 'healthy' || report.status === 'unhealthy',
    `status is healthy or unhealthy, got ${String(report.status)}`,
  );
  assert.equal(typeof report.latencyMs, 'number');
  assert.ok(
    Number.isFinite(report.latencyMs) && report.latencyMs >= 0,
    `latencyMs is a finite non-negative number, got ${report.latencyMs}`,
  );
  assert.ok(report.details !== null && typeof report.details === 'object', 'details is an object');
}
