import 'reflect-metadata';
import {
  Attribute,
  Defaults,
  HashKey,
  Index,
  Indexes,
  Keys,
  Model,
  RangeKey,
  Table,
  createConnection,
  type KeyArgs,
} from '../src';

// Compile-time safety (issue 10 §5). Every `@ts-expect-error` below must be an error, or `pnpm
// typecheck` (and ts-jest) fails; the calls never run, so no DynamoDB Local is needed.

@Table({ name: 'posts' })
class Post extends Model {
  declare [Keys]?: ['userId', 'postId'];
  declare [Defaults]?: 'created';
  @HashKey() userId!: string;
  @RangeKey() postId!: string;
  @Attribute() text!: string;
  @Attribute({ default: () => new Date() }) created!: Date;
  @Attribute({ optional: true }) title?: string;

  get preview(): string {
    return this.text.slice(0, 10);
  }
}

@Table({ name: 'notes' })
class Note extends Model {
  declare [Keys]?: 'noteId';
  @HashKey() noteId!: string;
  @Attribute() body!: string;
}

/** A model that declares nothing: keys are loose, but required attributes are still required. */
@Table({ name: 'loose' })
class Loose extends Model {
  @HashKey() id!: string;
  @Attribute() body!: string;
}

@Table({ name: 'listings' })
class Listing extends Model {
  declare [Keys]?: ['sellerId', 'listingId'];
  declare [Indexes]?: { byColour: ['colour', 'price']; byTitle: 'title' };
  @HashKey() sellerId!: string;
  @RangeKey() listingId!: string;
  @Index('byTitle', { hash: true }) @Attribute() title!: string;
  @Index('byColour', { hash: true }) @Attribute() colour!: string;
  @Index('byColour', { range: true }) @Attribute() price!: number;
}

const compileOnly = (): void => {
  void (async () => {
    // Composite keys: (hash, range) or an object holding both.
    await Post.get('u', 'p');
    await Post.get({ userId: 'u', postId: 'p' });
    await Post.get('u', 'p', { consistent: true });
    // @ts-expect-error: a composite key needs both parts
    await Post.get('u');
    // @ts-expect-error: the hash key is a string
    await Post.get(123, 'x');
    // @ts-expect-error: the object lacks the range key
    await Post.get({ userId: 'u' });
    // @ts-expect-error: the same through delete
    await Post.delete('u');
    // @ts-expect-error: and through a repository
    await Post.using(createConnection()).get('u');

    // Hash-only keys: one value or an object.
    await Note.get('n');
    await Note.getOrFail({ noteId: 'n' });
    // @ts-expect-error: the key is a string
    await Note.get(5);
    // @ts-expect-error: a hash-only model takes one key value
    await Note.get('a', 'b');

    // create: every required attribute; declared defaults, optional properties and getters are not required.
    await Post.create({ userId: 'u', postId: 'p', text: 't' });
    await Post.create({ userId: 'u', postId: 'p', text: 't', title: 'x', created: new Date() });
    // @ts-expect-error: userId, postId and text are missing
    await Post.create({});
    // @ts-expect-error: text is missing
    await Post.create({ userId: 'u', postId: 'p' });
    // @ts-expect-error: the same for put
    await Post.put({ userId: 'u', postId: 'p' });
    // @ts-expect-error: a required attribute of a model that declares nothing
    await Loose.create({ id: 'x' });
    await Loose.get('x');
    await Loose.get({ id: 'x' });

    // build takes any subset: an unsaved instance is filled in later.
    const draft = Post.build({ text: 'draft' });
    // An instance's delete takes a condition typed by its model.
    await draft.delete({ condition: (c) => c.eq('text', 'draft') });
    // @ts-expect-error: not an attribute of Post
    await draft.delete({ condition: (c) => c.eq('nope', 1) });

    // Index names and `where` attributes (issue 25 §5), with [Keys] and [Indexes] declared.
    void Listing.query('seller-1', { where: (c) => c.beginsWith('listingId', 'L#') });
    void Listing.query('seller-1', { where: { listingId: 'L#1' } });
    void Listing.query({ index: 'byColour', key: 'red' }, { where: (c) => c.gt('price', 10) });
    void Listing.query('red', { index: 'byColour' });
    void Listing.scan({ index: 'byTitle' });
    // @ts-expect-error: no such index
    void Listing.query({ index: 'byColor', key: 'red' });
    // @ts-expect-error: the same through options
    void Listing.query('red', { index: 'byColor' });
    // @ts-expect-error: and through scan
    void Listing.scan({ index: 'byColor' });
    // @ts-expect-error: where names a sort key, and title is none
    void Listing.query('seller-1', { where: (c) => c.beginsWith('title', 'x') });
    // @ts-expect-error: nor as an object
    void Listing.query('seller-1', { where: { title: 'x' } });
    // A filter still takes any attribute.
    void Listing.query('seller-1', { filter: { title: 'x' } });
    // A model that declares no indexes takes any index name (checked at run time).
    void Loose.query('x', { index: 'anything', where: { body: 'x' } });
  })();
};

describe('typed keys and required attributes (compile time)', () => {
  it('compiles the right calls and refuses the wrong ones (checked by tsc)', () => {
    type PostArgs = KeyArgs<Post, undefined>;
    const both: PostArgs = ['u', 'p'];
    expect(both).toHaveLength(2);
    expect(typeof compileOnly).toBe('function');
  });
});
