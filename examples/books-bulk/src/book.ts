import { Attribute, HashKey, Keys, Model, Table } from '@dynamodel/core';

@Table({ name: 'books' })
export class Book extends Model {
  declare [Keys]?: 'isbn';
  @HashKey({ type: String }) isbn!: string;
  @Attribute({ type: String }) title!: string;
  @Attribute({ type: String }) author!: string;
  @Attribute({ type: Number }) year!: number;
  @Attribute({ type: Number }) pages!: number;
  @Attribute({ type: Set, of: String }) tags!: Set<string>;
}

const WORDS = ['silent', 'river', 'glass', 'winter', 'orchard', 'paper', 'harbor', 'ember', 'atlas', 'north'];
const AUTHORS = ['A. Moreau', 'B. Okafor', 'C. Lindqvist', 'D. Tanaka', 'E. Alvarez', 'F. Novak'];
const TAGS = ['fiction', 'history', 'poetry', 'science', 'travel', 'classic'];

/** `count` books, the same every run (a seeded generator): attributes of a book, ready for `put`. */
export function generateBooks(count: number): Pick<Book, 'isbn' | 'title' | 'author' | 'year' | 'pages' | 'tags'>[] {
  let state = 42;
  const next = (n: number): number => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state % n;
  };
  return Array.from({ length: count }, (_, i) => ({
    isbn: `978-${String(1_000_000_000 + i).padStart(10, '0')}`,
    title: `The ${WORDS[next(WORDS.length)]} ${WORDS[next(WORDS.length)]}`,
    author: AUTHORS[next(AUTHORS.length)] as string,
    year: 1900 + next(125),
    pages: 80 + next(900),
    tags: new Set([TAGS[next(TAGS.length)] as string, TAGS[next(TAGS.length)] as string]),
  }));
}
