import { randomUUID } from 'node:crypto';

/** Ids are strings chosen by the application or generated here (UUID v4). */
export function newId(): string {
  return randomUUID();
}
