import { describe, expect, it } from 'vitest';
import { EventHub } from './event-hub.ts';

describe('EventHub replay', () => {
  it('numbers events one after another and replays exactly those after an id', () => {
    const hub = new EventHub(5, 100);
    for (let i = 0; i < 4; i++) hub.publish('decision', { i });
    expect(hub.lastId).toBe(103);
    const replay = hub.since(101);
    expect(replay.kind).toBe('events');
    if (replay.kind === 'events') expect(replay.events.map((e) => e.id)).toEqual([102, 103]);
    expect(hub.since(103)).toEqual({ kind: 'events', events: [] });
  });

  it('keeps events while nobody listens, and only the newest capacity of them', () => {
    const hub = new EventHub(3, 1);
    for (let i = 0; i < 7; i++) hub.publish('order', { i });
    // Ids 5, 6, 7 are kept; a client that saw 4 missed nothing that is gone.
    const replay = hub.since(4);
    expect(replay.kind === 'events' && replay.events.map((e) => (e.data as { i: number }).i)).toEqual([
      4, 5, 6,
    ]);
    expect(hub.since(3)).toEqual({ kind: 'reset', oldestId: 5, lastId: 7 });
  });

  it('answers a reset for an id this hub never issued', () => {
    const hub = new EventHub(10, 1000);
    hub.publish('state', {});
    expect(hub.since(5000)).toEqual({ kind: 'reset', oldestId: 1000, lastId: 1000 });
    expect(hub.since(10)).toEqual({ kind: 'reset', oldestId: 1000, lastId: 1000 });
    const empty = new EventHub(10, 50);
    expect(empty.since(49)).toEqual({ kind: 'events', events: [] });
    expect(empty.since(20)).toEqual({ kind: 'reset', oldestId: undefined, lastId: 49 });
  });

  it('with no buffer, replays nothing and resets any id behind the newest', () => {
    const hub = new EventHub(0, 1);
    hub.publish('fill', {});
    hub.publish('fill', {});
    expect(hub.since(2)).toEqual({ kind: 'events', events: [] });
    expect(hub.since(1)).toEqual({ kind: 'reset', oldestId: undefined, lastId: 2 });
  });

  it('a restarted hub issues ids above the previous one', () => {
    const before = new EventHub(10, 1_000);
    before.publish('state', {});
    const after = new EventHub();
    expect(after.lastId).toBeGreaterThan(before.lastId);
  });
});
