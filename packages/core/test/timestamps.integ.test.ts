import 'reflect-metadata';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import {
  Attribute,
  CreatedAt,
  Defaults,
  HashKey,
  Keys,
  Model,
  Table,
  UpdatedAt,
  createConnection,
  type Connection,
} from '../src';

// Issue 12 §4: @CreatedAt and @UpdatedAt are set by the library on every write path.

@Table({ name: 'notes' })
class Note extends Model {
  declare [Keys]?: 'id';
  declare [Defaults]?: 'created' | 'updated';
  @HashKey() id!: string;
  @Attribute() text!: string;
  @CreatedAt() created!: Date;
  @UpdatedAt({ dateFormat: 'epochMillis' }) updated!: Date;
}

const config = localTestConfig();
const raw = new DynamoDBClient(config);
let connection: Connection;
const notes = () => Note.using(connection);
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

/** The stored timestamps of a note, as DynamoDB holds them. */
async function stored(id: string): Promise<{ created: string | undefined; updated: number }> {
  const { Item } = await raw.send(
    new GetItemCommand({ TableName: notes().tableName, Key: { id: { S: id } }, ConsistentRead: true }),
  );
  return { created: Item?.created?.S, updated: Number(Item?.updated?.N) };
}

/** Runs `write` and checks that `at` falls within it. */
async function within<R>(write: () => Promise<R>, at: (result: R) => Date): Promise<R> {
  const before = Date.now();
  const result = await write();
  const time = at(result).getTime();
  expect(time).toBeGreaterThanOrEqual(before);
  expect(time).toBeLessThanOrEqual(Date.now());
  return result;
}

beforeAll(async () => {
  connection = createConnection({ ...config, prefix: uniqueTablePrefix('stamps') });
  await connection.syncTables([Note]);
});
afterAll(async () => {
  raw.destroy();
  await connection.close();
});

describe('timestamps', () => {
  it('create sets both to the same now, on the instance and in the table', async () => {
    const note = await within(
      () => notes().create({ id: 'c', text: 'hi' }),
      (n) => n.created,
    );
    expect(note.updated).toEqual(note.created);
    expect(await stored('c')).toEqual({ created: note.created.toISOString(), updated: note.created.getTime() });
  });

  it('put sets updated, and created only when the instance has none', async () => {
    const first = await notes().put({ id: 'p', text: 'one' });
    await tick();
    const read = await notes().getOrFail('p', { consistent: true });
    read.text = 'two';
    await within(
      () => notes().put(read),
      (n) => n.updated,
    );
    expect(read.created).toEqual(first.created);
    expect(read.updated.getTime()).toBeGreaterThan(first.updated.getTime());
    expect(await stored('p')).toEqual({ created: first.created.toISOString(), updated: read.updated.getTime() });
  });

  it('save sets updated when something changed, keeps created, and sends nothing otherwise', async () => {
    const note = await notes().create({ id: 's', text: 'one' });
    const created = note.created;
    await tick();
    await note.save();
    expect(note.updated).toEqual(created); // nothing changed: nothing written
    note.text = 'two';
    await within(
      () => note.save(),
      (n) => n.updated,
    );
    expect(note.created).toEqual(created);
    expect(await stored('s')).toEqual({ created: created.toISOString(), updated: note.updated.getTime() });
    // A never-stored instance saved: both set.
    const built = Note.build({ id: 's2', text: 'x' });
    await notes().save(built);
    const fresh = await stored('s2');
    expect(fresh.created).toBeDefined();
    expect(new Date(fresh.created as string).getTime()).toBe(fresh.updated);
  });

  it('update sets updated, keeps created, and an upsert sets both', async () => {
    const note = await notes().create({ id: 'u', text: 'one' });
    await tick();
    const updated = await within(
      () => notes().update('u', { text: 'two' }),
      (n) => n.updated,
    );
    expect(updated.created).toEqual(note.created);
    const upserted = await within(
      () => notes().update('u2', { text: 'new' }, { upsert: true }),
      (n) => n.created,
    );
    expect(upserted.updated).toEqual(upserted.created);
    // A caller naming a timestamp sets it itself (a migration).
    const moved = await notes().update('u', { created: new Date(0) });
    expect(moved.created).toEqual(new Date(0));
  });

  it('batchPut sets updated on every item and created where the instance has none', async () => {
    const kept = await notes().getOrFail('c', { consistent: true });
    kept.text = 'batched';
    const report = await within(
      async () => {
        const result = await notes().batchPut([kept, { id: 'b1', text: 'x' }, { id: 'b2', text: 'y' }]);
        return { result, at: (await notes().getOrFail('b1', { consistent: true })).created };
      },
      (r) => r.at,
    );
    expect(report.result.written).toBe(3);
    const c = await stored('c');
    expect(c.created).toBe(kept.created.toISOString());
    expect(c.updated).toBe(kept.updated.getTime());
    expect(c.updated).toBeGreaterThan(new Date(c.created as string).getTime());
    for (const id of ['b1', 'b2']) {
      const b = await stored(id);
      expect(new Date(b.created as string).getTime()).toBe(b.updated);
    }
  });
});
