import 'reflect-metadata';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { Attribute, HashKey, Model, Table } from '@dynamodel/core';

/** The embedded class of the tweet shape. */
export class Place {
  @Attribute() city!: string;
  @Attribute() country!: string;
}

/** The benchmark's tweet shape: a Set, a Map and an embedded class besides scalars and a Date. */
@Table({ name: 'posts' })
export class Post extends Model {
  @HashKey() postId!: string;
  @Attribute() author!: string;
  @Attribute() text!: string;
  @Attribute() created!: Date;
  @Attribute({ type: Set, of: String }) hashtags!: Set<string>;
  @Attribute({ type: Map, of: Number }) reactions!: Map<string, number>;
  @Attribute({ type: Place }) place!: Place;
}

export function makePosts(count: number): Post[] {
  return Array.from({ length: count }, (_, i) =>
    Object.assign(new Post(), {
      postId: `post-${String(i).padStart(10, '0')}`,
      author: `author-${i % 97}`,
      text: `Post number ${i}: hello from the benchmark`,
      created: new Date(1_600_000_000_000 + i * 60_000),
      hashtags: new Set(['dynamodb', `tag-${i % 13}`]),
      reactions: new Map([
        ['like', i % 50],
        ['retweet', i % 7],
      ]),
      place: Object.assign(new Place(), { city: `City ${i % 31}`, country: 'NL' }),
    }),
  );
}

/** What a careful user writes by hand for exactly this shape. */
export const handWrittenPost = {
  encode: (post: Post): Record<string, AttributeValue> => {
    const reactions: Record<string, AttributeValue> = {};
    for (const [name, count] of post.reactions) reactions[name] = { N: String(count) };
    return {
      postId: { S: post.postId },
      author: { S: post.author },
      text: { S: post.text },
      created: { S: post.created.toISOString() },
      hashtags: { SS: [...post.hashtags] },
      reactions: { M: reactions },
      place: { M: { city: { S: post.place.city }, country: { S: post.place.country } } },
    };
  },
  decode: (item: Record<string, AttributeValue>): Post => {
    const post = Object.create(Post.prototype) as Post;
    post.postId = item.postId?.S as string;
    post.author = item.author?.S as string;
    post.text = item.text?.S as string;
    post.created = new Date(item.created?.S as string);
    post.hashtags = new Set(item.hashtags?.SS);
    post.reactions = new Map(Object.entries(item.reactions?.M ?? {}).map(([name, value]) => [name, Number(value.N)]));
    const place = Object.create(Place.prototype) as Place;
    place.city = item.place?.M?.city?.S as string;
    place.country = item.place?.M?.country?.S as string;
    post.place = place;
    return post;
  },
};

/** The SDK's generic marshaller plus the conversions it lacks (Dates, Maps, class instances). */
export const marshalledPost = {
  encode: (post: Post): Record<string, AttributeValue> =>
    marshall(
      { ...post, created: post.created.toISOString(), reactions: Object.fromEntries(post.reactions) },
      {
        convertClassInstanceToMap: true,
      },
    ),
  decode: (item: Record<string, AttributeValue>): Post => {
    const plain = unmarshall(item);
    return Object.assign(Object.create(Post.prototype) as Post, plain, {
      created: new Date(plain.created as string),
      reactions: new Map(Object.entries(plain.reactions as Record<string, number>)),
      place: Object.assign(Object.create(Place.prototype) as Place, plain.place as Record<string, unknown>),
    });
  },
};
