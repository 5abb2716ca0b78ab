import 'reflect-metadata';
import { DynamoDBClient, PutItemCommand, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { DynamodelError, wrapExecutor } from '@dynamodel/executor';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import { Attribute, Entity, Model, createConnection, defineTable, moveEntityKeys, type Connection } from '../src';

// Issue 27 §5 against DynamoDB Local: an entity's key template changed; its items move from the
// old keys to the new ones, one transaction per item, so an interrupted run loses or doubles none
// and a second run moves what remains.

const app = defineTable({
  name: 'move_app',
  hash: 'pk',
  range: 'sk',
  indexes: { gsi1: { hash: 'gsi1pk', range: 'gsi1sk' } },
});

/** The templates were `USER#{userId}` / `PROFILE`; users are now partitioned by tenant. */
@Entity(app, {
  name: 'User',
  keys: { pk: 'TENANT#{tenant}#USER#{userId}', sk: 'PROFILE' },
  indexes: { gsi1: { pk: 'EMAIL#{email}', sk: 'USER' } },
})
class User extends Model {
  @Attribute() userId!: string;
  @Attribute() tenant!: string;
  @Attribute() email!: string;
}

const config = localTestConfig();
const raw = new DynamoDBClient(config);
let connection: Connection;
let tableName: string;
const COUNT = 300;
const from = { pk: 'USER#{userId}', sk: 'PROFILE' } as const;

const oldItem = (i: number): Record<string, AttributeValue> => ({
  pk: { S: `USER#u${i}` },
  sk: { S: 'PROFILE' },
  _et: { S: 'User' },
  userId: { S: `u${i}` },
  tenant: { S: `t${i % 3}` },
  email: { S: `u${i}@example.com` },
  legacy: { S: 'kept' }, // not declared by the model: travels with the item
});

/** Every stored item's key, by user id. */
async function keysByUser(): Promise<Map<string, string[]>> {
  const byUser = new Map<string, string[]>();
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await raw.send(
      new ScanCommand({ TableName: tableName, ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    for (const item of page.Items ?? []) {
      const user = item.userId?.S ?? '?';
      byUser.set(user, [...(byUser.get(user) ?? []), item.pk?.S ?? '?']);
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return byUser;
}

beforeAll(async () => {
  connection = createConnection({ ...config, prefix: uniqueTablePrefix('move') });
  await connection.syncTables([User]);
  tableName = connection.tableName(User.schema());
  for (let i = 0; i < COUNT; i++) await raw.send(new PutItemCommand({ TableName: tableName, Item: oldItem(i) }));
});
afterAll(async () => {
  await connection.close();
  raw.destroy();
});

describe('moveEntityKeys', () => {
  it('interrupted midway, every item is under exactly one key; run again, every item is under its new key', async () => {
    const stop = new AbortController();
    let movedFirst = 0;
    await expect(
      moveEntityKeys(User, {
        from,
        connection,
        pageSize: 50,
        signal: stop.signal,
        onProgress: (progress) => {
          movedFirst = progress.moved;
          if (progress.moved >= 100) stop.abort();
        },
      }),
    ).rejects.toThrow();
    expect(movedFirst).toBeGreaterThanOrEqual(100);
    expect(movedFirst).toBeLessThan(COUNT);
    const midway = await keysByUser();
    expect(midway.size).toBe(COUNT);
    expect([...midway.values()].every((keys) => keys.length === 1)).toBe(true);

    const second = await moveEntityKeys(User, { from, connection });
    expect(second.failures).toEqual([]);
    expect(second.moved + movedFirst).toBe(COUNT);
    expect(second.alreadyMoved).toBe(movedFirst);
    const after = await keysByUser();
    expect(after.size).toBe(COUNT);
    for (const [user, keys] of after) {
      const i = Number(user.slice(1));
      expect(keys).toEqual([`TENANT#t${i % 3}#USER#${user}`]);
    }
    // Read through the model, with the index keys computed again and undeclared attributes kept.
    const moved = await User.using(connection).getOrFail({ tenant: 't1', userId: 'u7' });
    expect(moved.email).toBe('u7@example.com');
    const byEmail = await User.using(connection)
      .query({ index: 'gsi1', key: { email: 'u7@example.com' } })
      .all();
    expect(byEmail.map((user) => user.userId)).toEqual(['u7']);
    const third = await moveEntityKeys(User, { from, connection });
    expect(third).toMatchObject({ moved: 0, alreadyMoved: COUNT, failures: [] });
  });

  it('a new key already taken by another item is a failure that leaves the item where it was', async () => {
    await raw.send(new PutItemCommand({ TableName: tableName, Item: oldItem(1000) }));
    await raw.send(
      new PutItemCommand({
        TableName: tableName,
        Item: { pk: { S: 'TENANT#t1#USER#u1000' }, sk: { S: 'PROFILE' }, _et: { S: 'Squatter' } },
      }),
    );
    const result = await moveEntityKeys(User, { from, connection });
    expect(result.moved).toBe(0);
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]?.reason.message).toMatch(/the new key .* holds another item/);
    expect((await keysByUser()).get('u1000')).toEqual(['USER#u1000']);
  });

  it('a request that fails stops the move, thrown only once the transactions in flight have settled; a rerun moves the rest', async () => {
    for (let i = 2000; i < 2040; i++) await raw.send(new PutItemCommand({ TableName: tableName, Item: oldItem(i) }));
    let inFlight = 0;
    let sent = 0;
    let startedAfterFailure = 0;
    let failed = false;
    const failing = createConnection({
      ...config,
      prefix: connection.prefix,
      // The 6th move fails outright (not a refused condition); every other answer comes back slowly,
      // so moves are still in flight when the failure happens.
      wrap: (executor) =>
        wrapExecutor(executor, async (operation, input, options, next) => {
          if (operation !== 'TransactWriteItems') return next(operation, input, options);
          if (failed) startedAfterFailure++;
          inFlight++;
          try {
            if (++sent === 6) {
              failed = true;
              throw new DynamodelError('injected: the network went away');
            }
            const output = await next(operation, input, options);
            await new Promise((resolve) => setTimeout(resolve, 100));
            return output;
          } finally {
            inFlight--;
          }
        }),
    });
    try {
      let inFlightAtRejection = -1;
      await expect(
        moveEntityKeys(User, { from, connection: failing, concurrency: 4 }).catch((error: unknown) => {
          inFlightAtRejection = inFlight;
          throw error;
        }),
      ).rejects.toThrow('injected: the network went away');
      expect({ inFlightAtRejection, startedAfterFailure }).toEqual({ inFlightAtRejection: 0, startedAfterFailure: 0 });
    } finally {
      await failing.close();
    }
    const midway = await keysByUser();
    for (let i = 2000; i < 2040; i++) expect(midway.get(`u${i}`)).toHaveLength(1);

    const rerun = await moveEntityKeys(User, { from, connection });
    expect(rerun.failures.map((failure) => failure.key.pk?.S)).toEqual(['USER#u1000']); // the squatted key, as before
    const after = await keysByUser();
    for (let i = 2000; i < 2040; i++) expect(after.get(`u${i}`)).toEqual([`TENANT#t${i % 3}#USER#u${i}`]);
  });
});
