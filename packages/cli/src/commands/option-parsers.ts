import { InvalidArgumentError } from 'commander';

// The parsers of the commands' numeric options: commander prints an InvalidArgumentError as
// "error: option '--x <n>' argument 'y' is invalid. <message>" and exits 1.

/** A whole number of at least 1 (`--segments`, `--chunk-size`, `--to`). */
export function whole(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('give a whole number of at least 1');
  return n;
}

/** One of `values` (`--format`, `--write`). */
export function oneOf<T extends string>(...values: T[]): (value: string) => T {
  return (value) => {
    if (!(values as string[]).includes(value)) throw new InvalidArgumentError(`give ${values.join(', ')}`);
    return value as T;
  };
}

/** A number above 0 (`--rate` in units per second, `--timeout` in seconds). */
export function positive(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('give a number above 0');
  return n;
}

/** Capacity units per second a command may consume on a table (`withRateLimit` of `@dynamodel/executor`). */
export interface Rate {
  /** Absent: reads are not limited. */
  readonly reads?: number;
  /** Absent: writes are not limited. */
  readonly writes?: number;
}

/** `--rate 100` (reads and writes each) or `--rate reads=200,writes=50` (either may be left out: unlimited). */
export function parseRate(value: string): Rate {
  const unit = (text: string): number => {
    const n = Number(text);
    if (!Number.isFinite(n) || n <= 0)
      throw new InvalidArgumentError(`${text} is not a positive number of units per second`);
    return n;
  };
  if (/^[\d.]+$/.test(value)) return { reads: unit(value), writes: unit(value) };
  let reads: number | undefined;
  let writes: number | undefined;
  for (const part of value.split(',')) {
    const [name, amount] = part.split('=');
    if (name === 'reads' && amount !== undefined) reads = unit(amount);
    else if (name === 'writes' && amount !== undefined) writes = unit(amount);
    else throw new InvalidArgumentError('give a number, or reads=N,writes=N');
  }
  return { ...(reads !== undefined ? { reads } : {}), ...(writes !== undefined ? { writes } : {}) };
}
