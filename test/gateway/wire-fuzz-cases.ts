import fc from 'fast-check';
import {
  badBoolean,
  badClientOrderId,
  badDecimal,
  badDecimalText,
  badEnum,
  badReason,
  badSymbol,
  badSymbolText,
  contentType,
  deepValue,
  nonObjectBody,
  notJsonText,
  unknownKey,
} from './wire-fuzz-arbitraries.ts';

/** Malformed requests for the wire fuzz, built from a valid body per route. */

export type Kind = 'decimal' | 'symbol' | 'id' | 'boolean' | 'reason' | readonly string[];

export interface Route {
  readonly name: string;
  readonly method: string;
  readonly path: () => string;
  readonly key: 'trader' | 'officer';
  /** A valid body, which malformed cases start from; undefined for DELETEs. */
  readonly base?: () => Record<string, unknown>;
  readonly fields?: Readonly<Record<string, Kind>>;
  readonly required?: readonly string[];
  readonly runs: number;
}

export interface Case {
  readonly route: Route;
  readonly path: string;
  readonly contentType: string | undefined;
  readonly body: Uint8Array | undefined;
  /** Fields one of which the error must name. */
  readonly expect: readonly string[];
  readonly note: string;
}

const encoder = new TextEncoder();

function badValue(kind: Kind): fc.Arbitrary<unknown> {
  if (Array.isArray(kind)) return badEnum(kind as readonly string[]);
  switch (kind) {
    case 'decimal':
      return badDecimal;
    case 'symbol':
      return badSymbol;
    case 'id':
      return badClientOrderId;
    case 'boolean':
      return badBoolean;
    default:
      return badReason;
  }
}

function set(body: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const [head, ...rest] = path.split('.');
  if (rest.length === 0) return { ...body, [head!]: value };
  const inner = (body[head!] ?? {}) as Record<string, unknown>;
  return { ...body, [head!]: set(inner, rest.join('.'), value) };
}

/** Every malformed request for a route with a body. */
export function bodyCases(route: Route): fc.Arbitrary<Case> {
  const base = route.base!;
  const fields = Object.entries(route.fields ?? {});
  const known = Object.keys(route.fields ?? {}).map((f) => f.split('.')[0]!);
  const json = (note: string, body: unknown, expect: readonly string[]) => ({
    note,
    bytes: encoder.encode(JSON.stringify(body)),
    expect,
  });
  const mutation = fc.oneof(
    {
      weight: 10,
      arbitrary: fc
        .constantFrom(...fields)
        .chain(([field, kind]) =>
          badValue(kind).map((v) =>
            json(`${field}=${String(JSON.stringify(v)).slice(0, 60)}`, set(base(), field, v), [field]),
          ),
        ),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(unknownKey(known), fc.jsonValue({ maxDepth: 2 }))
        .map(([k, v]) => json(`unknown ${k}`, { ...base(), [k]: v }, [k])),
    },
    {
      weight: route.required === undefined ? 0 : 1,
      arbitrary: fc.constantFrom(...(route.required ?? ['-'])).map((f) => {
        const { [f]: _gone, ...rest } = base();
        return json(`missing ${f}`, rest, [f]);
      }),
    },
    { weight: 1, arbitrary: nonObjectBody.map((v) => json(`body ${JSON.stringify(v)}`, v, ['(body)'])) },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.constantFrom(...fields), deepValue).map(([[field], deep]) => ({
        note: `deep ${field}`,
        bytes: encoder.encode(JSON.stringify(base()).replace(/^\{/, `{"${field.split('.')[0]}":${deep},`)),
        expect: ['(body)'],
      })),
    },
    {
      weight: 1,
      arbitrary: notJsonText.map((t) => ({
        note: `text ${t}`,
        bytes: encoder.encode(t),
        expect: ['(body)'],
      })),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.constantFrom(0xff, 0xc0, 0x80, 0xed), fc.nat()).map(([byte, at]) => {
        const text = encoder.encode(JSON.stringify(base()));
        const i = 1 + (at % (text.length - 1));
        return {
          note: 'invalid UTF-8',
          bytes: new Uint8Array([...text.slice(0, i), byte, ...text.slice(i)]),
          expect: ['(body)'],
        };
      }),
    },
    {
      weight: 1,
      arbitrary: fc.constant({
        note: '__proto__',
        bytes: encoder.encode(JSON.stringify(base()).replace(/^\{/, '{"__proto__":{"admin":true},')),
        expect: ['"__proto__"', '__proto__'],
      }),
    },
  );
  return fc.tuple(mutation, contentType).map(([m, ct]) => ({
    route,
    path: route.path(),
    contentType: ct,
    body: m.bytes,
    expect: m.expect,
    note: m.note,
  }));
}

/** Malformed DELETEs: a body that is not empty, or a bad query on a position close. */
export function deleteCases(route: Route, withQuery: boolean): fc.Arbitrary<Case> {
  const junkBody = fc
    .oneof(
      fc
        .dictionary(fc.stringMatching(/^[a-z]{1,8}$/), fc.jsonValue({ maxDepth: 1 }), {
          minKeys: 1,
          maxKeys: 3,
        })
        .map((v) => JSON.stringify(v)),
      fc.array(fc.integer(), { maxLength: 3 }).map((v) => JSON.stringify(v)),
      fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean()).map((v) => JSON.stringify(v)),
      notJsonText,
      deepValue,
    )
    .map((text) => ({ path: route.path(), text, expect: ['(body)'], note: `body ${text.slice(0, 60)}` }));
  const noSurrogate = (s: string) => !/[\ud800-\udfff]/.test(s);
  const badQuery = fc.oneof(
    badDecimalText.filter(noSurrogate).map((v) => ({ q: `qty=${encodeURIComponent(v)}`, field: 'qty' })),
    fc
      .oneof(badDecimalText, fc.integer({ min: 101, max: 100_000 }).map(String))
      .filter(noSurrogate)
      .map((v) => ({ q: `percentage=${encodeURIComponent(v)}`, field: 'percentage' })),
    fc.constant({ q: 'qty=1&percentage=50', field: 'qty' }),
    fc.constant({ q: 'qty=1&qty=2', field: 'qty' }),
  );
  const badPath = badSymbolText
    // Not a path that URL normalisation or the router's parameter limit would turn into a 404/414.
    .filter(
      (s) =>
        !['', '.', '..'].includes(s) &&
        noSurrogate(s) &&
        !s.includes('/') &&
        encodeURIComponent(s).length <= 90,
    )
    .map((s) => ({
      path: `/v2/positions/${encodeURIComponent(s)}`,
      text: undefined,
      expect: ['symbol'],
      note: `symbol ${JSON.stringify(s)}`,
    }));
  const queryCase = badQuery.map(({ q, field }) => ({
    path: `${route.path()}?${q}`,
    text: undefined,
    expect: [field],
    note: q,
  }));
  const shape = withQuery ? fc.oneof(junkBody, queryCase, badPath) : junkBody;
  return fc.tuple(shape, contentType).map(([c, ct]) => ({
    route,
    path: c.path,
    contentType: ct,
    body: c.text === undefined ? undefined : encoder.encode(c.text),
    expect: c.expect,
    note: c.note,
  }));
}
