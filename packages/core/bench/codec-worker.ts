// One codec's encode+decode throughput, in a process of its own (so no codec runs in a heap or JIT
// state another one left). Prints one JSON line: { codec, best, median, rounds } in items/s. This
// machine shares its cores with neighbours, which only ever slow a round down: the best round is the
// steadiest estimate of the codec's own speed.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { compileModel } from '@dynamodel/core';
import { Book, handWritten, makeBooks } from './book';

type Codec = { encode(book: Book): Record<string, AttributeValue>; decode(item: Record<string, AttributeValue>): Book };

const codecs: Record<string, () => Codec> = {
  dynamodel: () => {
    const { codec } = compileModel<Book>(Book);
    return { encode: (book) => codec.encode(book), decode: (item) => codec.decode(item) };
  },
  // The SDK's generic marshaller has no Date support: a user converts dates and builds the instance.
  'util-dynamodb marshall/unmarshall': () => ({
    encode: (book) => marshall({ ...book, published: book.published.toISOString() }),
    decode: (item) => {
      const plain = unmarshall(item);
      return Object.assign(Object.create(Book.prototype) as Book, plain, {
        published: new Date(plain.published as string),
      });
    },
  }),
  'hand-written converter': () => handWritten,
};

const name = process.argv[2] ?? 'dynamodel';
const factory = codecs[name];
if (!factory) throw new Error(`unknown codec ${name}`);
const codec = factory();
const books = makeBooks(10_000);
let sink = 0;

function roundTrips(count: number): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const decoded = codec.decode(codec.encode(books[i % books.length] as Book));
    sink += decoded.pages;
  }
  return Number(process.hrtime.bigint() - started) / 1e9;
}

roundTrips(300_000); // warm-up: let the JIT settle
const rounds: number[] = [];
const perRound = Number(process.env.BENCH_CODEC_ITEMS ?? 100_000);
for (let round = 0; round < 15; round++) rounds.push(perRound / roundTrips(perRound));
rounds.sort((a, b) => a - b);
const best = rounds[rounds.length - 1];
const median = rounds[Math.floor(rounds.length / 2)];
console.log(JSON.stringify({ codec: name, best, median, rounds, sink: sink > 0 }));
