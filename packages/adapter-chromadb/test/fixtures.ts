import type { Filter, Metadata } from '@orch/core';

export interface FilterCase {
  readonly name: string;
  readonly filter: Filter;
  readonly expect?: readonly string[];
}

export interface FilterFixtures {
  readonly FILTER_FIXTURE: readonly { readonly id: string; readonly metadata?: Metadata }[];
  readonly COMPARISON_CASES: readonly FilterCase[];
  readonly TYPE_STRICT_CASES: readonly FilterCase[];
  readonly SET_CASES: readonly FilterCase[];
  readonly LOGICAL_CASES: readonly FilterCase[];
  readonly EXISTS_CASES: readonly FilterCase[];
  readonly INVALID_FILTERS: readonly { readonly name: string; readonly filter: unknown }[];
  fixtureVector(index: number): number[];
}

/**
 * The testkit's vector filter fixtures. @orch/testkit does not export them (only the suites that
 * use them), so they are loaded from its build in this repository; the translation unit tests
 * then cover exactly the cases the conformance suite runs against the server.
 */
export async function loadFilterFixtures(): Promise<FilterFixtures> {
  const file = new URL('../../testkit/dist/vector/filter-fixture.js', import.meta.url);
  return (await import(file.href)) as FilterFixtures;
}

export async function allFilterCases(): Promise<FilterCase[]> {
  const f = await loadFilterFixtures();
  return [
    ...f.COMPARISON_CASES,
    ...f.TYPE_STRICT_CASES,
    ...f.SET_CASES,
    ...f.LOGICAL_CASES,
    ...f.EXISTS_CASES,
  ];
}
