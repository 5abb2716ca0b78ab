import { EntryReads, MAX_MERGED_READS, type EntryRead } from '../src/entry-reads';

// The item-entry reads of one turn merged into one MGET (src/entry-reads.ts), against a fake MGET
// that records its calls; tests/stores.test.ts runs it against a real Redis.

/** A fake MGET answering each key with its name and "token"s with a token, once `answer` is called. */
function fakeMget() {
  const calls: string[][] = [];
  const pending: { keys: string[]; resolve: (reply: unknown) => void; reject: (error: unknown) => void }[] = [];
  const mget = (keys: string[]): Promise<unknown> => {
    calls.push(keys);
    return new Promise((resolve, reject) => pending.push({ keys, resolve, reject }));
  };
  const answerAll = () => {
    for (const call of pending.splice(0))
      call.resolve(call.keys.map((key) => (key.startsWith('g') ? 'token' : `v:${key}`)));
  };
  return { calls, pending, mget, answerAll };
}

const garbage = (reply: unknown) => new Error(`garbage: ${JSON.stringify(reply)}`);
/** Answers a read with its pair as it is. */
const pair = (read: EntryRead): EntryRead => read;
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('merged entry reads', () => {
  it('sends the reads asked for in one turn as one MGET, after the turn, and answers each its pair', async () => {
    const fake = fakeMget();
    const reads = new EntryReads<undefined>(fake.mget, garbage);
    const answers = [
      reads.read('e1', 'g1', undefined, pair),
      reads.read('e2', 'g2', undefined, pair),
      reads.read('e3', 'g3', undefined, pair),
    ];
    expect(fake.calls).toEqual([]); // nothing during the turn
    await turn();
    expect(fake.calls).toEqual([['e1', 'g1', 'e2', 'g2', 'e3', 'g3']]);
    fake.answerAll();
    await expect(Promise.all(answers)).resolves.toEqual([
      ['v:e1', 'token'],
      ['v:e2', 'token'],
      ['v:e3', 'token'],
    ]);
  });

  it(`sends ${MAX_MERGED_READS} reads at once, without waiting for the turn's end, and the rest after it`, async () => {
    const fake = fakeMget();
    const reads = new EntryReads<undefined>(fake.mget, garbage);
    const answers = Array.from({ length: MAX_MERGED_READS + 3 }, (_, i) =>
      reads.read(`e${i}`, `g${i}`, undefined, pair),
    );
    expect(fake.calls.map((keys) => keys.length)).toEqual([2 * MAX_MERGED_READS]);
    await turn();
    expect(fake.calls.map((keys) => keys.length)).toEqual([2 * MAX_MERGED_READS, 6]);
    fake.answerAll();
    const answered = await Promise.all(answers);
    expect(answered.map(([value]) => value)).toEqual(answers.map((_, i) => `v:e${i}`));
  });

  it('rejects every read of a failed MGET, and only those', async () => {
    const fake = fakeMget();
    const reads = new EntryReads<undefined>(fake.mget, garbage);
    const failed = [reads.read('e1', 'g1', undefined, pair), reads.read('e2', 'g2', undefined, pair)];
    await turn();
    const later = reads.read('e3', 'g3', undefined, pair);
    await turn();
    fake.pending[0]?.reject(new Error('connection lost'));
    fake.pending[1]?.resolve(['v', null]);
    for (const read of failed) await expect(read).rejects.toThrow('connection lost');
    await expect(later).resolves.toEqual(['v', null]);
  });

  it('rejects every read of a reply that is not one value per key, as garbage', async () => {
    const fake = fakeMget();
    const reads = new EntryReads<undefined>(fake.mget, garbage);
    const answers = [reads.read('e1', 'g1', undefined, pair), reads.read('e2', 'g2', undefined, pair)];
    await turn();
    fake.pending[0]?.resolve(['v', null, 'w']);
    for (const read of answers) await expect(read).rejects.toThrow('garbage: ["v",null,"w"]');
  });

  it('rejects the reads when sending throws', async () => {
    const reads = new EntryReads<undefined>(() => {
      throw new Error('client closed');
    }, garbage);
    const answers = [reads.read('e1', 'g1', undefined, pair), reads.read('e2', 'g2', undefined, pair)];
    for (const read of answers) await expect(read).rejects.toThrow('client closed');
  });

  it('resolves each read to its answer, made from its pair and context as the reply is taken apart; a throw rejects that read only', async () => {
    const fake = fakeMget();
    const reads = new EntryReads<number>(fake.mget, garbage);
    const seen: string[] = [];
    const answer = ([value, token]: EntryRead, context: number) => {
      seen.push(`${String(value)}/${context}`);
      if (context === 2) throw new Error('refused by its answer');
      return { value, token, context };
    };
    const answers = [
      reads.read('e1', 'g1', 1, answer),
      reads.read('e2', 'g2', 2, answer),
      reads.read('e3', 'g3', 3, answer),
    ];
    await turn();
    expect(seen).toEqual([]); // not before the reply
    fake.answerAll();
    await expect(answers[0]).resolves.toEqual({ value: 'v:e1', token: 'token', context: 1 });
    await expect(answers[1]).rejects.toThrow('refused by its answer');
    await expect(answers[2]).resolves.toEqual({ value: 'v:e3', token: 'token', context: 3 });
    expect(seen).toEqual(['v:e1/1', 'v:e2/2', 'v:e3/3']);
  });

  it('lets an answer be a promise (a lookup that needs a script), which the read then follows', async () => {
    const fake = fakeMget();
    const reads = new EntryReads<undefined>(fake.mget, garbage);
    const read = reads.read('e1', 'g1', undefined, ([value]) => Promise.resolve(`later ${String(value)}`));
    await turn();
    fake.answerAll();
    await expect(read).resolves.toBe('later v:e1');
  });
});
