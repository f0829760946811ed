/**
 * How a write changed a task, as the stores that mirror tasks (vector, graph) need to know it:
 * `created` (embed it and add its node), `changed` (refresh what is derived from its row: status,
 * title, dependency edges …), `deleted` (remove it everywhere).
 */
export type TaskChange = 'created' | 'changed' | 'deleted';

/**
 * The tasks one write changed, each once, with the strongest change: a task created and then
 * changed in the same write is `created`, one deleted at any point is `deleted` unless created
 * again afterwards. Recording a task that did not really change is harmless (its mirror is
 * refreshed from the row); missing one is not, so every task write records what it touched.
 */
export class TaskChanges {
  readonly #changes = new Map<string, TaskChange>();

  created(id: string): void {
    this.#changes.set(id, 'created');
  }

  changed(...ids: readonly string[]): void {
    for (const id of ids) if (!this.#changes.has(id)) this.#changes.set(id, 'changed');
  }

  deleted(ids: readonly string[]): void {
    for (const id of ids) this.#changes.set(id, 'deleted');
  }

  get size(): number {
    return this.#changes.size;
  }

  /** Every recorded task with its change, in the order first recorded. */
  entries(): [string, TaskChange][] {
    return [...this.#changes];
  }
}
