import { InvalidArgumentError } from 'commander';

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
