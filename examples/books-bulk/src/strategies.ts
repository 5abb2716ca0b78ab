import type { Connection } from '@dynamodel/core';
import { Book, type generateBooks } from './book';

type Books = ReturnType<typeof generateBooks>;

/** One way of writing the books; `progress` is told how many are written. */
export interface Strategy {
  readonly name: string;
  write(connection: Connection, books: Books, progress: (written: number) => void): Promise<void>;
}

export const STRATEGIES: readonly Strategy[] = [
  {
    // What most first versions do: a PutItem, wait for it, the next one.
    name: 'one at a time',
    async write(connection, books, progress) {
      const repository = Book.using(connection);
      for (let i = 0; i < books.length; i++) {
        await repository.put(books[i] as Books[number]);
        progress(i + 1);
      }
    },
  },
  {
    // A PutItem each, 16 in flight (under the connection's own cap): the round trips overlap.
    name: 'putMany, 16 at once',
    async write(connection, books, progress) {
      const result = await Book.using(connection).putMany(books, {
        concurrency: 16,
        onProgress: (p) => progress(p.written + p.failed),
      });
      if (result.failed > 0) throw new Error(`putMany: ${result.failed} books not written`);
    },
  },
  {
    // BatchWriteItem: 25 books a request, 8 requests in flight, unprocessed items sent again.
    name: 'batchPut',
    async write(connection, books, progress) {
      const result = await Book.using(connection).batchPut(books, {
        onProgress: (p) => progress(p.written + p.failed),
      });
      if (result.failed > 0) throw new Error(`batchPut: ${result.failed} books not written`);
    },
  },
];
