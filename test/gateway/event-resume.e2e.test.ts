import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSse, type SseEvent, type SseReader } from '../support/sse-reader.ts';
import { eventually, type Rig, sendDeniedOrders, startRig } from './harness.ts';

let rig: Rig;
let counter = 0;

beforeAll(async () => {
  // A small buffer, so that a client can fall behind it in a test.
  rig = await startRig({ flags: { eventBufferSize: '400' } });
}, 60_000);
afterAll(async () => rig.close());

const keyHeaders = () => ({
  'APCA-API-KEY-ID': rig.trader.key.keyId,
  'APCA-API-SECRET-KEY': rig.trader.secret,
});
const open = (headers: Record<string, string> = {}, query = '') =>
  openSse(`${rig.gateway.url}/v1/events${query}`, { ...keyHeaders(), ...headers });

/** Sends orders the engine denies (above the 1,000-share limit), 20 at a time; each publishes a decision event. */
async function denials(n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, () => `resume-${++counter}`);
  await sendDeniedOrders(rig, ids);
  return ids;
}

const decided = (stream: SseReader, clientOrderIds: readonly string[]) => () =>
  clientOrderIds.every((c) =>
    stream.events.some((e) => e.event === 'decision' && e.data.data.clientOrderId === c),
  );
const idOf = (e: SseEvent) => Number(e.id);

describe('GET /v1/events resumes where a client left off', () => {
  it('gives every event an id one above the previous, and a retry hint', async () => {
    const stream = await open();
    try {
      expect(stream.status).toBe(200);
      const sent = await denials(3);
      await eventually(decided(stream, sent), 'the three decisions');
      const ids = stream.events.map(idOf);
      expect(ids.every(Number.isSafeInteger)).toBe(true);
      for (let i = 1; i < ids.length; i++) expect(ids[i]).toBe(ids[i - 1]! + 1);
      expect(stream.retry).toBeGreaterThan(0);
      // The payload keeps its shape: {at, data}.
      const decision = stream.events.find((e) => e.event === 'decision')!;
      expect(typeof decision.data.at).toBe('number');
      expect(decision.data.data.decision.kind).toBe('deny');
    } finally {
      stream.close();
    }
  }, 60_000);

  for (const [via, missedCount] of [
    ['Last-Event-ID header', 300],
    ['lastEventId query parameter', 3],
  ] as const) {
    it(`replays exactly the ${missedCount} missed events, then continues live (${via})`, async () => {
      // A client connected throughout sees every event: the reference.
      const reference = await open();
      const first = await open();
      let second: SseReader | undefined;
      try {
        const before = await denials(2);
        await eventually(decided(first, before), 'the first decisions');
        await eventually(decided(reference, before), 'the first decisions on the reference');
        const lastSeen = first.events.at(-1)!.id!;
        first.close();
        // Hundreds of missed events span several slices of the replay.
        const missed = await denials(missedCount);
        await eventually(decided(reference, missed), 'the missed decisions on the reference');
        // Live events arrive while the replay is being written.
        const [s, after] = await Promise.all([
          via === 'Last-Event-ID header'
            ? open({ 'Last-Event-ID': lastSeen })
            : open({}, `?lastEventId=${lastSeen}`),
          denials(40),
        ]);
        second = s;
        expect(s.status).toBe(200);
        await eventually(decided(s, after), 'the live decisions after the reconnect');
        await eventually(decided(reference, after), 'the live decisions on the reference');
        const received = s.events.map(idOf);
        expect(new Set(received).size).toBe(received.length);
        const lastReceived = received.at(-1)!;
        const expected = reference.events.filter(
          (e) => idOf(e) > Number(lastSeen) && idOf(e) <= lastReceived,
        );
        expect(s.events).toEqual(expected);
        for (const c of missed) {
          expect(
            s.events.filter((e) => e.event === 'decision' && e.data.data.clientOrderId === c),
          ).toHaveLength(1);
        }
        expect(s.events.some((e) => e.event === 'reset')).toBe(false);
      } finally {
        reference.close();
        first.close();
        second?.close();
      }
    }, 60_000);
  }

  it('sends a reset first when the id is older than the buffer, then resumes from the reset', async () => {
    const first = await open();
    let second: SseReader | undefined;
    let third: SseReader | undefined;
    try {
      const before = await denials(1);
      await eventually(decided(first, before), 'a decision');
      const lastSeen = first.events.at(-1)!.id!;
      first.close();
      // More events than the 400 kept.
      await denials(450);
      second = await open({ 'Last-Event-ID': lastSeen });
      const s = second;
      const reset = await eventually(() => s.events[0], 'the first event');
      expect(reset.event).toBe('reset');
      expect(reset.data.data.lastEventId).toBe(Number(lastSeen));
      expect(reset.data.data.oldestId).toBeGreaterThan(Number(lastSeen) + 1);
      expect(Number(reset.id)).toBeGreaterThanOrEqual(reset.data.data.oldestId);
      const live = await denials(1);
      await eventually(decided(s, live), 'a live decision after the reset');
      expect(s.events.filter((e) => e.event === 'reset')).toHaveLength(1);
      // Only live events follow the reset, numbered on from its id.
      expect(Number(s.events[1]!.id)).toBe(Number(reset.id) + 1);
      s.close();
      // Resuming from the reset's id is not a reset again.
      third = await open({ 'Last-Event-ID': s.events.at(-1)!.id! });
      const more = await denials(1);
      const t = third;
      await eventually(decided(t, more), 'a decision on the third connection');
      expect(t.events.some((e) => e.event === 'reset')).toBe(false);
    } finally {
      first.close();
      second?.close();
      third?.close();
    }
  }, 60_000);

  it('refuses an id that is not one, naming the field', async () => {
    const response = await fetch(`${rig.gateway.url}/v1/events`, {
      headers: { ...keyHeaders(), 'Last-Event-ID': 'yesterday' },
    });
    expect(response.status).toBe(422);
    const body = (await response.json()) as { message: string };
    expect(body.message).toMatch(/Last-Event-ID/);
  }, 30_000);
});
