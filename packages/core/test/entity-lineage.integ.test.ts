import 'reflect-metadata';
import { DeleteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { localTestConfig, uniqueTablePrefix } from '@dynamodel/local/jest';
import { Entity } from '../src/metadata/decorators';
import { defineTable } from '../src/single-table/define-table';
import { defineCollection } from '../src/model/collection';
import { planPut } from '../src/operations/put/put-plan';
import { buildCondition } from '../src/expressions/condition';
import {
  Attribute,
  DecodeError,
  EntityMismatchError,
  Model,
  ModelDefinitionError,
  createConnection,
  syncTables,
  transact,
  type Connection,
} from '../src';

// Issue 26 §4 (polymorphism) and the entity write guard of §1/§5, against DynamoDB Local: a class
// hierarchy on one shared table read through its base class as subclass instances, and no entity's
// write ever replacing or deleting another entity's item, even where their key templates overlap.

const fleet = defineTable({ name: 'lineage_fleet', hash: 'pk', range: 'sk' });

@Entity(fleet, { keys: { pk: 'FLEET#{fleetId}', sk: 'VEHICLE#{vehicleId}' } })
class Vehicle extends Model {
  @Attribute() fleetId!: string;
  @Attribute() vehicleId!: string;
  @Attribute() wheels!: number;
}

/** Inherits Vehicle's key templates. */
@Entity(fleet, { name: 'Car' })
class Car extends Vehicle {
  @Attribute() seats!: number;
}

@Entity(fleet, { name: 'Truck' })
class Truck extends Vehicle {
  @Attribute() payload!: number;
}

/** An unrelated entity whose key template overlaps Vehicle's: plate "v1" renders Vehicle v1's key. */
@Entity(fleet, { keys: { pk: 'FLEET#{fleetId}', sk: 'VEHICLE#{plate}' } })
class Registration extends Model {
  @Attribute() fleetId!: string;
  @Attribute() plate!: string;
  @Attribute() owner!: string;
}

const config = localTestConfig();
const raw = new DynamoDBClient(config);
let connection: Connection;
let tableName: string;

beforeAll(async () => {
  connection = createConnection({ ...config, prefix: uniqueTablePrefix('lineage') });
  await syncTables([Vehicle], { connection });
  tableName = connection.tableName(Vehicle.schema());
});
afterAll(async () => {
  await connection.close();
  raw.destroy();
});

const vehicles = () => Vehicle.using(connection);
const cars = () => Car.using(connection);
const rawItem = async (pk: string, sk: string) =>
  (await raw.send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: pk }, sk: { S: sk } } }))).Item;

describe('a class hierarchy on one table', () => {
  beforeAll(async () => {
    await vehicles().create({ fleetId: 'f1', vehicleId: 'v1', wheels: 2 });
    await cars().create({ fleetId: 'f1', vehicleId: 'v2', wheels: 4, seats: 5 });
    await Truck.using(connection).create({ fleetId: 'f1', vehicleId: 'v3', wheels: 6, payload: 9000 });
  });

  it('read through the base class yields each item as its own class, with its own fields', async () => {
    const all = await vehicles().query({ fleetId: 'f1' }).all();
    expect(all.map((vehicle) => vehicle.constructor.name)).toEqual(['Vehicle', 'Car', 'Truck']);
    expect(all[1]).toBeInstanceOf(Car);
    expect((all[1] as Car).seats).toBe(5);
    expect((all[2] as Truck).payload).toBe(9000);
    const got = await vehicles().getOrFail({ fleetId: 'f1', vehicleId: 'v2' });
    expect(got).toBeInstanceOf(Car);
    expect(got).toEqual(Object.assign(new Car(), { fleetId: 'f1', vehicleId: 'v2', wheels: 4, seats: 5 }));
    expect((await vehicles().scan().all()).length).toBe(3);
  });

  it('read through a subclass yields only that subclass, and refuses its parent’s item', async () => {
    expect(await cars().query({ fleetId: 'f1' }).all()).toEqual([
      Object.assign(new Car(), { fleetId: 'f1', vehicleId: 'v2', wheels: 4, seats: 5 }),
    ]);
    await expect(cars().get({ fleetId: 'f1', vehicleId: 'v1' })).rejects.toMatchObject({
      constructor: DecodeError,
      rule: 'entity',
    });
  });

  it('a projection through the base class keeps the entity attribute, so each partial item is still its class', async () => {
    const partial = await vehicles()
      .query({ fleetId: 'f1' }, { projection: ['wheels'] })
      .all();
    expect(partial.map((vehicle) => [vehicle.constructor.name, vehicle.wheels])).toEqual([
      ['Vehicle', 2],
      ['Car', 4],
      ['Truck', 6],
    ]);
    expect((partial[1] as Car).seats).toBeUndefined();
    // The key templates' attributes came back too, so a partial instance saves under its key.
    expect(partial[1]).toMatchObject({ fleetId: 'f1', vehicleId: 'v2' });
    (partial[1] as Car).wheels = 3;
    await (partial[1] as Car).save();
    expect(await rawItem('FLEET#f1', 'VEHICLE#v2')).toMatchObject({
      _et: { S: 'Car' },
      wheels: { N: '3' },
      seats: { N: '5' },
    });
    (partial[1] as Car).wheels = 4;
    await (partial[1] as Car).save();
  });

  it('writing a subclass instance through the base class keeps its fields and its entity name', async () => {
    const car = Object.assign(new Car(), { fleetId: 'f2', vehicleId: 'c1', wheels: 4, seats: 2 });
    await vehicles().put(car);
    expect(await rawItem('FLEET#f2', 'VEHICLE#c1')).toMatchObject({ _et: { S: 'Car' }, seats: { N: '2' } });
    const read = (await vehicles().getOrFail({ fleetId: 'f2', vehicleId: 'c1' })) as Car;
    read.seats = 3;
    await vehicles().save(read);
    expect(await rawItem('FLEET#f2', 'VEHICLE#c1')).toMatchObject({ _et: { S: 'Car' }, seats: { N: '3' } });
    await vehicles().delete(read);
    expect(await rawItem('FLEET#f2', 'VEHICLE#c1')).toBeUndefined();
  });

  it('batches and transactions through the base class write each instance as its class', async () => {
    const car = Object.assign(new Car(), { fleetId: 'f3', vehicleId: 'b1', wheels: 4, seats: 7 });
    const truck = Object.assign(new Truck(), { fleetId: 'f3', vehicleId: 'b2', wheels: 8, payload: 1 });
    const result = await vehicles().batchPut([car, truck, { fleetId: 'f3', vehicleId: 'b3', wheels: 3 }]);
    expect(result.failures).toEqual([]);
    const { items } = await vehicles().batchGet([
      { fleetId: 'f3', vehicleId: 'b1' },
      { fleetId: 'f3', vehicleId: 'b2' },
      { fleetId: 'f3', vehicleId: 'b3' },
    ]);
    expect(items.map((item) => item?.constructor.name).sort()).toEqual(['Car', 'Truck', 'Vehicle']);
    car.seats = 8;
    await transact([vehicles().saveOp(car), vehicles().putOp(Object.assign(new Truck(), { ...truck, payload: 2 }))]);
    expect(await rawItem('FLEET#f3', 'VEHICLE#b1')).toMatchObject({ _et: { S: 'Car' }, seats: { N: '8' } });
    expect(await rawItem('FLEET#f3', 'VEHICLE#b2')).toMatchObject({ _et: { S: 'Truck' }, payload: { N: '2' } });
  });

  it('a collection with the base class as a member groups subclass instances under it', async () => {
    await Registration.using(connection).put({ fleetId: 'f1', plate: 'zz', owner: 'Gus' });
    const both = defineCollection({ vehicles: Vehicle, registrations: Registration }).using(connection);
    const { vehicles: read, registrations } = await both.query({ fleetId: 'f1' }).grouped();
    expect(read.map((vehicle) => vehicle.constructor.name)).toEqual(['Vehicle', 'Car', 'Truck']);
    expect(registrations.map((registration) => registration.owner)).toEqual(['Gus']);
    await Registration.using(connection).delete({ fleetId: 'f1', plate: 'zz' });
    // A subclass is read through its parent already: naming both is refused.
    expect(() => defineCollection({ vehicles: Vehicle, cars: Car }).using(connection).query({ fleetId: 'f1' })).toThrow(
      /entity Car belongs to two members \(vehicles and cars\)/,
    );
  });

  it('an item may change class within its lineage: a Vehicle stored again as a Car', async () => {
    await vehicles().put({ fleetId: 'f4', vehicleId: 'x', wheels: 4 });
    await cars().put({ fleetId: 'f4', vehicleId: 'x', wheels: 4, seats: 4 });
    expect(await vehicles().getOrFail({ fleetId: 'f4', vehicleId: 'x' })).toBeInstanceOf(Car);
  });
});

describe('the entity write guard', () => {
  const carKey = { pk: 'FLEET#g1', sk: 'VEHICLE#v1' };
  beforeEach(async () => {
    await cars().put({ fleetId: 'g1', vehicleId: 'v1', wheels: 4, seats: 5 });
  });
  const registrations = () => Registration.using(connection);
  const carStillStored = async () =>
    expect(await rawItem(carKey.pk, carKey.sk)).toMatchObject({ _et: { S: 'Car' }, seats: { N: '5' } });

  it('refuses a put over another entity’s item, naming both, and writes nothing', async () => {
    const error = await registrations()
      .put({ fleetId: 'g1', plate: 'v1', owner: 'Ana' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EntityMismatchError);
    expect(error).toMatchObject({ model: 'Registration', entity: 'Registration', found: 'Car', key: carKey });
    expect((error as Error).message).toMatch(/is a Car, not a Registration; nothing was written/);
    await carStillStored();
  });

  it('refuses update, save and delete of another entity’s item', async () => {
    await expect(registrations().update({ fleetId: 'g1', plate: 'v1' }, { owner: 'Bo' })).rejects.toBeInstanceOf(
      EntityMismatchError,
    );
    await expect(
      registrations().update({ fleetId: 'g1', plate: 'v1' }, { owner: 'Bo' }, { upsert: true }),
    ).rejects.toBeInstanceOf(EntityMismatchError);
    await expect(registrations().delete({ fleetId: 'g1', plate: 'v1' })).rejects.toBeInstanceOf(EntityMismatchError);
    const built = registrations().build({ fleetId: 'g1', plate: 'v1', owner: 'Cy' });
    await expect(registrations().save(built)).rejects.toBeInstanceOf(EntityMismatchError);
    await carStillStored();
  });

  it('refuses the other way round too, and a put over an item with no entity attribute', async () => {
    await registrations().put({ fleetId: 'g2', plate: 'r1', owner: 'Di' });
    await expect(cars().put({ fleetId: 'g2', vehicleId: 'r1', wheels: 4, seats: 1 })).rejects.toMatchObject({
      constructor: EntityMismatchError,
      found: 'Registration',
      entity: 'Car',
    });
    await raw.send(
      new PutItemCommand({ TableName: tableName, Item: { pk: { S: 'FLEET#g2' }, sk: { S: 'VEHICLE#raw' } } }),
    );
    const error = await vehicles()
      .put({ fleetId: 'g2', vehicleId: 'raw', wheels: 1 })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ constructor: EntityMismatchError, found: undefined });
    expect((error as Error).message).toMatch(/no entity's \(it has no _et attribute\)/);
    expect(await rawItem('FLEET#g2', 'VEHICLE#raw')).toEqual({ pk: { S: 'FLEET#g2' }, sk: { S: 'VEHICLE#raw' } });
  });

  it('keeps a caller’s failed condition a plain condition failure when the entity matches', async () => {
    await expect(
      cars().put({ fleetId: 'g1', vehicleId: 'v1', wheels: 4, seats: 6 }, { condition: (c) => c.eq('seats', 1) }),
    ).rejects.toMatchObject({ name: 'ConditionFailedError' });
    await carStillStored();
  });

  it('a write to a free key, or over its own entity, passes the guard', async () => {
    await registrations().put({ fleetId: 'g3', plate: 'p', owner: 'Ed' });
    await registrations().put({ fleetId: 'g3', plate: 'p', owner: 'Flo' });
    await registrations().delete({ fleetId: 'g3', plate: 'p' });
    await registrations().delete({ fleetId: 'g3', plate: 'p' }); // nothing there: still fine
    await raw.send(
      new DeleteItemCommand({ TableName: tableName, Key: { pk: { S: 'FLEET#g3' }, sk: { S: 'VEHICLE#p' } } }),
    );
  });

  it('leaves an unconditional put re-sendable after a lost answer (the guard is met again)', () => {
    const schema = Registration.schema();
    const plain = planPut(schema, tableName, registrations().build({ fleetId: 'g', plate: 'p', owner: 'o' }), {});
    expect(plain.params.ConditionExpression).toMatch(/attribute_not_exists\(#\w+\) OR #\w+ = :\w+/);
    expect(plain.idempotent).toBe(true);
    const conditioned = planPut(schema, tableName, registrations().build({ fleetId: 'g', plate: 'p', owner: 'o' }), {
      condition: buildCondition<Registration>((c) => c.exists('owner')),
    });
    expect(conditioned.idempotent).toBe(false);
  });
});

describe('declaring a hierarchy', () => {
  it('refuses a subclass of an entity without an @Entity of its own (its items would read back as the parent)', () => {
    class SportsCar extends Car {
      @Attribute() topSpeed!: number;
    }
    expect(() => SportsCar.schema()).toThrow(ModelDefinitionError);
    expect(() => SportsCar.schema()).toThrow(/extends entity Car without an @Entity of its own/);
  });

  it('refuses a subclass on another table, and two classes under one entity name', () => {
    const other = defineTable({ name: 'lineage_other', hash: 'pk', range: 'sk' });
    @Entity(other, { name: 'Bus' })
    class Bus extends Vehicle {}
    expect(() => Bus.schema()).toThrow(/a class hierarchy lives in one table/);
    expect(() => {
      @Entity(fleet, { name: 'Car' })
      class AnotherCar extends Vehicle {}
      return AnotherCar;
    }).toThrow(/is entity "Car" of table lineage_fleet, but Car already is/);
  });
});
