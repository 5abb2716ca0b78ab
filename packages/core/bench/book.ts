import 'reflect-metadata';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { Attribute, HashKey, Model, Table } from '@dynamodel/core';

/** The benchmark's 6-field item: string key, two strings, a Date, a number and a string list. */
@Table({ name: 'books' })
export class Book extends Model {
  @HashKey() isbn!: string;
  @Attribute() title!: string;
  @Attribute() author!: string;
  @Attribute() published!: Date;
  @Attribute() pages!: number;
  @Attribute({ type: Array, of: String }) tags!: string[];
}

export function makeBooks(count: number): Book[] {
  return Array.from({ length: count }, (_, i) =>
    Object.assign(new Book(), {
      isbn: `978-${String(i).padStart(10, '0')}`,
      title: `Book number ${i}`,
      author: `Author ${i % 97}`,
      published: new Date(1_600_000_000_000 + i * 86_400_000),
      pages: 100 + (i % 900),
      tags: ['fiction', `shelf-${i % 13}`],
    }),
  );
}

/** What a careful user writes by hand for exactly this shape (the speed to aim for). */
export const handWritten = {
  encode: (book: Book): Record<string, AttributeValue> => ({
    isbn: { S: book.isbn },
    title: { S: book.title },
    author: { S: book.author },
    published: { S: book.published.toISOString() },
    pages: { N: String(book.pages) },
    tags: { L: book.tags.map((tag) => ({ S: tag })) },
  }),
  decode: (item: Record<string, AttributeValue>): Book => {
    const book = Object.create(Book.prototype) as Book;
    book.isbn = item.isbn?.S as string;
    book.title = item.title?.S as string;
    book.author = item.author?.S as string;
    book.published = new Date(item.published?.S as string);
    book.pages = Number(item.pages?.N);
    book.tags = (item.tags?.L ?? []).map((tag) => tag.S as string);
    return book;
  },
};
