import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { EXECUTOR_CHANNEL, ExecutorEvents, type ExecutorEvent } from '../src';

// The event bus on its own: who hears an event, and `listens` (a hot path asks it before building
// an event nobody would receive).
describe('ExecutorEvents', () => {
  it('delivers events of a type to its listeners only, and tells whether anyone listens', () => {
    const events = new ExecutorEvents();
    expect(events.listens('cache')).toBe(false);
    const heard: ExecutorEvent[] = [];
    const off = events.on('cache', (event) => heard.push(event));
    expect(events.listens('cache')).toBe(true);
    expect(events.listens('throttle')).toBe(false);
    events.emit({ type: 'cache', kind: 'hit', table: 't', count: 1, tier: 'near' });
    expect(heard).toEqual([{ type: 'cache', kind: 'hit', table: 't', count: 1, tier: 'near' }]);
    off();
    expect(events.listens('cache')).toBe(false);
  });

  it('counts a diagnostics channel subscriber as a listener', () => {
    const events = new ExecutorEvents();
    const published: unknown[] = [];
    const onMessage = (message: unknown): void => void published.push(message);
    subscribe(EXECUTOR_CHANNEL, onMessage);
    try {
      expect(events.listens('cache')).toBe(true);
      events.emit({ type: 'cache', kind: 'miss', table: 't', count: 1 });
      expect(published).toHaveLength(1);
    } finally {
      unsubscribe(EXECUTOR_CHANNEL, onMessage);
    }
  });
});
