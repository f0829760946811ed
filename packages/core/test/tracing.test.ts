import { tracingChannel } from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import { ORCH_TRACING_CHANNEL, type StoreOperationEvent } from '../src/index.js';
import { RecordingSqlStore } from './helpers/recording-sql-store.js';

const channel = tracingChannel<StoreOperationEvent, StoreOperationEvent>(ORCH_TRACING_CHANNEL);

function record() {
  const events: { phase: string; event: StoreOperationEvent }[] = [];
  const handlers = {
    start: (event: StoreOperationEvent) => events.push({ phase: 'start', event: { ...event } }),
    end: () => undefined,
    asyncStart: () => undefined,
    asyncEnd: (event: StoreOperationEvent) => events.push({ phase: 'asyncEnd', event: { ...event } }),
    error: (event: StoreOperationEvent) => events.push({ phase: 'error', event: { ...event } }),
  };
  channel.subscribe(handlers);
  return { events, stop: () => channel.unsubscribe(handlers) };
}

let stop: (() => void) | undefined;
afterEach(() => stop?.());

describe('tracing channel', () => {
  it('publishes start and end of every store operation with counts and duration, never parameter values', async () => {
    const recorder = record();
    stop = recorder.stop;
    const store = new RecordingSqlStore();
    await store.execute('INSERT INTO t VALUES (?)', ['top-secret-value']);
    await store.executeMany('INSERT INTO t VALUES (?)', [['a'], ['b'], ['c']]);
    await store.query('SELECT 1');
    const ops = recorder.events.map((e) => `${e.phase} ${e.event.operation}`);
    // The first statement connects the store lazily, so its connect runs inside it.
    expect(ops).toEqual([
      'start execute',
      'start connect',
      'asyncEnd connect',
      'asyncEnd execute',
      'start executeMany',
      'asyncEnd executeMany',
      'start query',
      'asyncEnd query',
    ]);
    const executeMany = recorder.events.find(
      (e) => e.phase === 'asyncEnd' && e.event.operation === 'executeMany',
    );
    expect(executeMany?.event).toMatchObject({ kind: 'operational', scheme: 'recording', inputCount: 3 });
    expect(typeof executeMany?.event.durationMs).toBe('number');
    const query = recorder.events.find((e) => e.phase === 'asyncEnd' && e.event.operation === 'query');
    expect(query?.event.resultCount).toBe(1);
    expect(JSON.stringify(recorder.events)).not.toContain('top-secret-value');
  });

  it('publishes the error of a failed operation, already an OrchError', async () => {
    const recorder = record();
    stop = recorder.stop;
    const store = new RecordingSqlStore();
    store.failing.add('BAD');
    await expect(store.execute('BAD')).rejects.toMatchObject({ code: 'ORCH_QUERY_FAILED' });
    const error = recorder.events.find((e) => e.phase === 'error');
    expect(error?.event.operation).toBe('execute');
    expect((error?.event.error as { code?: string } | undefined)?.code).toBe('ORCH_QUERY_FAILED');
  });
});
