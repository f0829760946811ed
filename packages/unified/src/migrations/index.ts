import { coreSchema } from './001-core-schema.js';
import type { Migration } from './migration.js';

/** Every migration, in order. Append only. */
export const MIGRATIONS: readonly Migration[] = [coreSchema];
