import { randomUUID } from 'node:crypto';

/** A random (version 4) UUID: `@HashKey({ default: uuid }) id!: string`. */
export function uuid(): string {
  return randomUUID();
}
