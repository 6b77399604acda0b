import type { Run } from '../model/run.js';
import type { Artifact, SeriesSummary, Store } from '../store/store.js';
import { Output } from './output.js';
import { runById } from './points.js';
import { dateTime, double, localName, type ProvAttributes, ProvDocument, type ProvValue, type TypedLiteral } from './prov-document.js';

/** How the PROV-JSON export holds metric values. */
export interface ProvOptions {
  /** Series with at most this many points carry their values inline (`runmeter:values`); default 1000. */
  inlineLimit?: number;
  /** The exported data file each metric entity links to (`dcterms:identifier`); default `<run id>.csv`. */
  dataFile?: string;
}

/** Namespaces: W3C's, yProv4ML's (so prov4ml tools find `provml:Metric`, `yprov:context`, ...), and runmeter's. */
function prefixes(run: Run): Record<string, string> {
  return {
    prov: 'http://www.w3.org/ns/prov#',
    xsd: 'http://www.w3.org/2001/XMLSchema#',
    dcterms: 'http://purl.org/dc/terms/',
    yprov: 'https://github.com/HPCI-Lab/yProv4ML',
    provml: 'https://github.com/HPCI-Lab/yProv4ML/prov-ml#',
    runmeter: 'urn:runmeter:',
    run: `urn:runmeter:run:${run.id}:`,
  };
}

/** A param or meta value as a PROV literal: JSON scalars as they are, anything else as its JSON text. */
function literal(value: unknown): ProvValue {
  if (typeof value === 'number') return double(value);
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  return JSON.stringify(value) ?? String(value);
}

function runActivity(run: Run): ProvAttributes {
  const attributes: ProvAttributes = {
    'prov:label': run.name,
    'prov:type': 'runmeter:Run',
    'prov:startTime': dateTime(run.startTime).$,
    'prov:startedAtTime': dateTime(run.startTime),
    'yprov:experiment_name': run.project ?? run.name,
    'yprov:run_id': run.id,
    'runmeter:status': run.status,
    'runmeter:source': run.source,
    'runmeter:command': run.command.join(' '),
    'runmeter:cwd': run.cwd,
    'runmeter:host': run.host,
    'runmeter:version': run.version,
  };
  if (run.endTime !== undefined) {
    attributes['prov:endTime'] = dateTime(run.endTime).$;
    attributes['prov:endedAtTime'] = dateTime(run.endTime);
  }
  if (run.exitCode !== undefined) attributes['runmeter:exit_code'] = run.exitCode;
  if (run.signal !== undefined) attributes['runmeter:signal'] = run.signal;
  if (run.reason !== undefined) attributes['runmeter:reason'] = run.reason;
  if (run.gitCommit !== undefined) attributes['runmeter:git_commit'] = run.gitCommit;
  if (run.gitDirty !== undefined) attributes['runmeter:git_dirty'] = run.gitDirty;
  if (run.tags.length > 0) attributes['runmeter:tags'] = run.tags;
  if (run.system !== undefined) {
    attributes['yprov:operating_system'] = run.system.os;
    attributes['yprov:machine'] = run.system.arch;
  }
  for (const [name, value] of Object.entries(run.params)) attributes[`runmeter:param/${localName(name)}`] = literal(value);
  return attributes;
}

/** The contexts metrics and artifacts were logged in, with the time span of their points. */
function contextSpans(series: SeriesSummary[], artifacts: Artifact[]): Map<string, { from: number; to: number }> {
  const spans = new Map<string, { from: number; to: number }>();
  const extend = (context: string | undefined, from: number, to: number) => {
    if (context === undefined) return;
    const span = spans.get(context);
    if (span === undefined) spans.set(context, { from, to });
    else spans.set(context, { from: Math.min(span.from, from), to: Math.max(span.to, to) });
  };
  for (const s of series) extend(s.context, s.firstTime, s.lastTime);
  for (const a of artifacts) extend(a.context, a.time, a.time);
  return spans;
}

async function metricEntity(store: Store, series: SeriesSummary, options: Required<ProvOptions>): Promise<ProvAttributes> {
  const attributes: ProvAttributes = {
    'prov:type': 'provml:Metric',
    'prov:label': series.name,
    'yprov:context': series.context ?? '',
    'yprov:source': series.kind,
    'runmeter:kind': series.kind,
    'runmeter:count': series.count,
    'runmeter:last': double(series.last),
    'prov:generatedAtTime': dateTime(series.lastTime),
    'dcterms:identifier': options.dataFile,
    'dcterms:format': 'text/csv',
  };
  if (series.rank !== undefined) attributes['runmeter:rank'] = series.rank;
  if (series.node !== undefined) attributes['runmeter:node'] = series.node;
  if (series.device !== undefined) attributes['runmeter:device'] = series.device;
  if (series.min !== null) attributes['runmeter:min'] = double(series.min);
  if (series.max !== null) attributes['runmeter:max'] = double(series.max);
  if (series.firstStep !== undefined) attributes['runmeter:first_step'] = series.firstStep;
  if (series.lastStep !== undefined) attributes['runmeter:last_step'] = series.lastStep;
  if (series.firstEpoch !== undefined) attributes['runmeter:first_epoch'] = series.firstEpoch;
  if (series.lastEpoch !== undefined) attributes['runmeter:last_epoch'] = series.lastEpoch;
  if (series.count > 0 && series.count <= options.inlineLimit) Object.assign(attributes, await inlineValues(store, series));
  return attributes;
}

/** The steps (or epochs) of the points that have one, and those points' indexes in the series. */
class PresentColumn {
  readonly values: number[] = [];
  readonly indexes: number[] = [];

  /** Adds point `index`'s x; the store's NaN means the point has none. */
  add(index: number, x: number): void {
    if (Number.isNaN(x)) return;
    this.values.push(x);
    this.indexes.push(index);
  }

  /**
   * As attributes: `runmeter:<name>s` with the points' xs; when some points have none, only the xs present, with
   * `runmeter:<name>_indexes` saying which points they belong to. PROV-JSON arrays cannot hold null, and NaN is a
   * value a metric can take, so absence is left out rather than written as either.
   */
  attributes(name: string, count: number): ProvAttributes {
    if (this.values.length === 0) return {};
    const attributes: ProvAttributes = { [`runmeter:${name}s`]: this.values };
    if (this.values.length < count) attributes[`runmeter:${name}_indexes`] = this.indexes;
    return attributes;
  }
}

/** A short series' points inline: values, times (ms), and the steps and epochs of the points that have them. */
async function inlineValues(store: Store, series: SeriesSummary): Promise<ProvAttributes> {
  const values: Array<number | TypedLiteral> = [];
  const times: number[] = [];
  const steps = new PresentColumn();
  const epochs = new PresentColumn();
  for await (const batch of store.readPoints(series.id)) {
    for (let i = 0; i < batch.value.length; i++) {
      const index = values.length;
      values.push(double(batch.value[i] as number));
      times.push(batch.time[i] as number);
      steps.add(index, batch.step[i] as number);
      epochs.add(index, batch.epoch[i] as number);
    }
  }
  return {
    'runmeter:values': values,
    'runmeter:times': times,
    ...steps.attributes('step', values.length),
    ...epochs.attributes('epoch', values.length),
  };
}

function metricId(series: SeriesSummary): string {
  let id = `run:metric/${localName(series.context ?? 'run')}/${localName(series.name)}`;
  if (series.rank !== undefined) id += `/rank-${series.rank}`;
  if (series.node !== undefined) id += `/node-${localName(series.node)}`;
  if (series.device !== undefined) id += `/device-${localName(series.device)}`;
  return id;
}

function artifactEntities(doc: ProvDocument, artifact: Artifact, generatedBy: string): void {
  const copy: ProvAttributes = {
    'prov:label': artifact.name,
    'prov:type': artifact.kind === 'model' ? 'provml:Model' : 'provml:Artifact',
    'prov:role': 'output',
    'dcterms:identifier': artifact.path,
    'yprov:file_size': artifact.size,
    'runmeter:sha256': artifact.sha256,
    'prov:generatedAtTime': dateTime(artifact.time),
  };
  if (artifact.context !== undefined) copy['yprov:context'] = artifact.context;
  for (const [key, value] of Object.entries(artifact.meta)) copy[`runmeter:${localName(key)}`] = literal(value);
  const copyId = doc.add('entity', `run:${artifact.kind}/${localName(artifact.name)}`, copy);
  const sourceId = doc.add('entity', `${copyId}/source`, { 'prov:label': `Original_${artifact.name}`, 'dcterms:identifier': artifact.sourcePath });
  doc.relate('wasGeneratedBy', { 'prov:entity': copyId, 'prov:activity': generatedBy, 'prov:time': dateTime(artifact.time).$ });
  doc.relate('wasDerivedFrom', { 'prov:generatedEntity': copyId, 'prov:usedEntity': sourceId });
}

/**
 * A run's provenance in W3C PROV-JSON, laid out as yProv4ML lays out its documents: the run as an activity (with its
 * params and times) associated with the user, a sub-activity per context informed by it, params as
 * `provml:HyperParameter` entities it used, an entity per metric series generated by its context (values inline
 * for short series, and a link to the exported data file), the job's output, and artifacts and models derived from
 * their source files.
 */
export async function provDocument(store: Store, runId: string, options: ProvOptions = {}): Promise<ProvDocument> {
  const settings: Required<ProvOptions> = { inlineLimit: options.inlineLimit ?? 1000, dataFile: options.dataFile ?? `${runId}.csv` };
  const run = await runById(store, runId);
  const series = await store.listSeries(runId);
  const artifacts = await store.listArtifacts(runId);
  const doc = new ProvDocument();
  Object.assign(doc.prefix, prefixes(run));

  const root = doc.add('activity', 'run:execution', runActivity(run));
  const user = doc.add('agent', `runmeter:user/${localName(run.user)}`, { 'prov:type': 'prov:Person', 'prov:label': run.user });
  const software = doc.add('agent', `runmeter:software/runmeter-${localName(run.version)}`, {
    'prov:type': 'prov:SoftwareAgent',
    'prov:label': `runmeter ${run.version}`,
  });
  doc.relate('wasAssociatedWith', { 'prov:activity': root, 'prov:agent': user, 'prov:role': 'user' });
  doc.relate('wasAssociatedWith', { 'prov:activity': root, 'prov:agent': software, 'prov:role': 'recorder' });

  for (const [name, value] of Object.entries(run.params)) {
    const param = doc.add('entity', `run:param/${localName(name)}`, { 'prov:type': 'provml:HyperParameter', 'prov:label': name, 'prov:value': literal(value) });
    doc.relate('used', { 'prov:activity': root, 'prov:entity': param });
  }

  const contexts = new Map<string, string>();
  for (const [context, span] of contextSpans(series, artifacts)) {
    const id = doc.add('activity', `run:context/${localName(context)}`, {
      'prov:label': context,
      'prov:type': 'runmeter:Context',
      'yprov:context': context,
      'prov:startTime': dateTime(span.from).$,
      'prov:endTime': dateTime(span.to).$,
    });
    contexts.set(context, id);
    doc.relate('wasInformedBy', { 'prov:informed': id, 'prov:informant': root });
  }
  const activityOf = (context: string | undefined) => (context === undefined ? root : (contexts.get(context) ?? root));

  const output: string[] = [];
  for (const stream of ['stdout', 'stderr'] as const) {
    const size = await store.outputSize(runId, stream);
    if (size === 0) continue;
    const id = doc.add('entity', `run:output/${stream}`, { 'prov:type': 'runmeter:Output', 'prov:label': stream, 'yprov:file_size': size });
    doc.relate('wasGeneratedBy', { 'prov:entity': id, 'prov:activity': root });
    output.push(id);
  }

  for (const s of series) {
    const id = doc.add('entity', metricId(s), await metricEntity(store, s, settings));
    doc.relate('wasGeneratedBy', { 'prov:entity': id, 'prov:activity': activityOf(s.context), 'prov:time': dateTime(s.lastTime).$ });
    // Training metrics of a wrapped or imported job were parsed from what it printed.
    if (s.kind === 'training') for (const source of output) doc.relate('wasDerivedFrom', { 'prov:generatedEntity': id, 'prov:usedEntity': source });
  }
  for (const artifact of artifacts) artifactEntities(doc, artifact, activityOf(artifact.context));
  return doc;
}

/** Writes a run's PROV-JSON document. */
export async function writeProvJson(store: Store, runId: string, out: NodeJS.WritableStream, options: ProvOptions = {}): Promise<void> {
  const doc = await provDocument(store, runId, options);
  await new Output(out).write(`${JSON.stringify(doc.toJSON(), null, 2)}\n`);
}
