// One codec's round-trip throughput, in a process of its own (so no codec runs in a heap or JIT state
// another one left). Arguments: shape (book | post), path (inner | public), codec. Prints one JSON
// line: { best, median, rounds } in items/s. The machine shares its cores with neighbours, which only
// ever slow a round down: the best round is the steadiest estimate of the codec's own speed.
//
// - inner: the codec alone (encode, then decode).
// - public: exactly what a user's call runs, minus the network: `Book.put(book)` then `Book.get(key)`
//   through an executor that answers at once (the put's item is the get's answer). The baselines
//   send the same requests through the same executor, converting with `marshall`/`unmarshall` or by hand.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { compileModel, createConnection, type Model } from '@dynamodel/core';
import type { Executor, InputOf, OperationName, OutputOf } from '@dynamodel/executor';
import { Book, handWritten, makeBooks } from './book';
import { Post, handWrittenPost, makePosts, marshalledPost } from './post';

type Item = Record<string, AttributeValue>;
interface Converter<T> {
  encode(value: T): Item;
  decode(item: Item): T;
}
interface Shape<T extends Model> {
  readonly model: typeof Book | typeof Post;
  readonly make: (count: number) => T[];
  readonly key: (value: T) => string;
  readonly keyName: string;
  readonly converters: Record<string, Converter<T>>;
}

const book: Shape<Book> = {
  model: Book,
  make: makeBooks,
  key: (b) => b.isbn,
  keyName: 'isbn',
  converters: {
    // The SDK's generic marshaller has no Date support: a user converts dates and builds the instance.
    'util-dynamodb marshall/unmarshall': {
      encode: (b) => marshall({ ...b, published: b.published.toISOString() }),
      decode: (item) => {
        const plain = unmarshall(item);
        return Object.assign(Object.create(Book.prototype) as Book, plain, {
          published: new Date(plain.published as string),
        });
      },
    },
    'hand-written converter': handWritten,
  },
};
const post: Shape<Post> = {
  model: Post,
  make: makePosts,
  key: (p) => p.postId,
  keyName: 'postId',
  converters: { 'util-dynamodb marshall/unmarshall': marshalledPost, 'hand-written converter': handWrittenPost },
};

/** Answers at once: a put's item is kept and is what the next get returns. */
function answeringExecutor(): Executor {
  let stored: Item | undefined;
  return {
    send<Op extends OperationName>(operation: Op, input: InputOf<Op>): Promise<OutputOf<Op>> {
      if (operation === 'PutItem') stored = (input as InputOf<'PutItem'>).Item;
      return Promise.resolve({ $metadata: {}, ...(operation === 'GetItem' ? { Item: stored } : {}) } as OutputOf<Op>);
    },
  };
}

type RoundTrip = (index: number) => unknown;

/** The control runs the hand-written converter again, as if it were another codec: the spread of a loop against itself. */
const CONTROL = 'hand-written converter (control)';

function roundTrip<T extends Model>(shape: Shape<T>, path: string, name: string, values: T[]): RoundTrip {
  const codecName = name === CONTROL ? 'hand-written converter' : name;
  const tableName = 'bench';
  if (path === 'inner') {
    if (codecName === 'dynamodel') {
      const { codec } = compileModel<T>(shape.model);
      return (i) => codec.decode(codec.encode(values[i % values.length] as T));
    }
    const converter = shape.converters[codecName] as Converter<T>;
    return (i) => converter.decode(converter.encode(values[i % values.length] as T));
  }
  if (path === 'conversion') {
    // The conversion a user's write and read run, with no executor between: an instance built from
    // plain attributes and encoded; an item decoded into an instance (Dynamodel also records the
    // stored state `save()` needs). The baselines build the instance by copying the fields.
    const attributes = values.map((value) => ({ ...value }) as Record<string, unknown>);
    const prototype = (shape.model as unknown as { prototype: object }).prototype;
    if (codecName === 'dynamodel') {
      const { codec } = compileModel<T>(shape.model);
      const repository = (
        shape.model as unknown as {
          using(c: unknown): { build(a: Record<string, unknown>): T; decode(item: Item): T };
        }
      ).using(createConnection({ executor: answeringExecutor() }));
      return (i) => repository.decode(codec.encode(repository.build(attributes[i % attributes.length] ?? {})));
    }
    const converter = shape.converters[codecName] as Converter<T>;
    return (i) =>
      converter.decode(
        converter.encode(Object.assign(Object.create(prototype) as T, attributes[i % attributes.length])),
      );
  }
  const executor = answeringExecutor();
  if (codecName === 'dynamodel') {
    const repository = (
      shape.model as unknown as { using(c: unknown): { put(v: T): Promise<T>; get(k: string): Promise<T | undefined> } }
    ).using(createConnection({ executor }));
    return async (i) => {
      const value = values[i % values.length] as T;
      await repository.put(value);
      // Awaited like the baselines' get (returning the promise would cost the resolution of a thenable).
      const found = await repository.get(shape.key(value));
      return found;
    };
  }
  const converter = shape.converters[codecName] as Converter<T>;
  return async (i) => {
    const value = values[i % values.length] as T;
    await executor.send('PutItem', { TableName: tableName, Item: converter.encode(value) });
    const output = await executor.send('GetItem', {
      TableName: tableName,
      Key: { [shape.keyName]: { S: shape.key(value) } },
    });
    return output.Item ? converter.decode(output.Item) : undefined;
  };
}

async function main(): Promise<void> {
  const [shapeName = 'book', path = 'inner', codecName = 'dynamodel'] = process.argv.slice(2);
  const shape = (shapeName === 'post' ? post : book) as unknown as Shape<Model>;
  const run = roundTrip(shape, path, codecName, shape.make(10_000));
  let sink = 0;
  const timed = async (count: number): Promise<number> => {
    const started = process.hrtime.bigint();
    for (let i = 0; i < count; i++) {
      const result = run(i);
      sink += (path === 'public' ? await result : result) ? 1 : 0;
    }
    return Number(process.hrtime.bigint() - started) / 1e9;
  };
  await timed(300_000); // warm-up: let the JIT settle
  const rounds: number[] = [];
  const perRound = Number(process.env.BENCH_CODEC_ITEMS ?? 100_000);
  for (let round = 0; round < 15; round++) rounds.push(perRound / (await timed(perRound)));
  rounds.sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      best: rounds[rounds.length - 1],
      median: rounds[Math.floor(rounds.length / 2)],
      rounds,
      sink: sink > 0,
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
