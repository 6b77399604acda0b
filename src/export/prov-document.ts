import { isoTime } from './points.js';

/** A PROV-JSON typed literal: `{"$": "2024-05-01T10:00:00.000Z", "type": "xsd:dateTime"}`. */
export interface TypedLiteral {
  $: string;
  type: string;
}

/** An attribute value PROV-JSON allows: a string, number, boolean, typed literal, or a non-empty array of those. */
export type ProvValue = string | number | boolean | TypedLiteral | Array<string | number | boolean | TypedLiteral>;

/** The attributes of one element or relation. */
export type ProvAttributes = Record<string, ProvValue>;

/** The relations runmeter writes, by their PROV-JSON section name. */
export type ProvRelation = 'used' | 'wasGeneratedBy' | 'wasInformedBy' | 'wasAssociatedWith' | 'wasDerivedFrom';

/** An xsd:dateTime literal for a time in ms. */
export function dateTime(ms: number): TypedLiteral {
  return { $: isoTime(ms), type: 'xsd:dateTime' };
}

/** A number as PROV-JSON can hold it: finite as itself, NaN and ±Infinity as xsd:double literals (NaN, INF, -INF). */
export function double(value: number): number | TypedLiteral {
  if (Number.isFinite(value)) return value;
  return { $: Number.isNaN(value) ? 'NaN' : value > 0 ? 'INF' : '-INF', type: 'xsd:double' };
}

/** A local name usable in a qualified name: characters outside [A-Za-z0-9._~/-] are percent-encoded. */
export function localName(text: string): string {
  return text.replace(/[^A-Za-z0-9._~/-]/g, (c) => encodeURIComponent(c).replace(/[!'()*]/g, (x) => `%${x.charCodeAt(0).toString(16).toUpperCase()}`));
}

/**
 * A PROV document as the W3C PROV-JSON serialization lays it out: a `prefix` map, then one map per element kind and
 * per relation, keyed by identifier; relations get blank-node ids (`_:u1`) as prov (the Python package) gives them.
 */
export class ProvDocument {
  readonly prefix: Record<string, string> = {};
  private readonly elements = {
    agent: new Map<string, ProvAttributes>(),
    activity: new Map<string, ProvAttributes>(),
    entity: new Map<string, ProvAttributes>(),
  };
  private readonly relations = new Map<ProvRelation, Record<string, ProvAttributes>>();
  private relationCount = 0;

  /** Adds an element; an id already used by this kind gets `-2`, `-3`, ... Returns the id it got. */
  add(kind: 'agent' | 'activity' | 'entity', id: string, attributes: ProvAttributes): string {
    const map = this.elements[kind];
    let unique = id;
    for (let n = 2; map.has(unique); n++) unique = `${id}-${n}`;
    map.set(unique, attributes);
    return unique;
  }

  /** Adds a relation record, e.g. `relate('used', { 'prov:activity': a, 'prov:entity': e })`. */
  relate(relation: ProvRelation, attributes: ProvAttributes): void {
    let records = this.relations.get(relation);
    if (records === undefined) {
      records = {};
      this.relations.set(relation, records);
    }
    records[`_:${relation}${++this.relationCount}`] = attributes;
  }

  /** The document as PROV-JSON; sections with nothing in them are left out. */
  toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = { prefix: this.prefix };
    for (const kind of ['agent', 'activity', 'entity'] as const) {
      if (this.elements[kind].size > 0) json[kind] = Object.fromEntries(this.elements[kind]);
    }
    for (const [relation, records] of this.relations) json[relation] = records;
    return json;
  }
}
