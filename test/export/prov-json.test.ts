import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { afterEach, describe, expect, it } from 'vitest';
import { exporters, provDocument } from '../../src/export/index.js';
import type { Store } from '../../src/store/store.js';
import { recordedRun, slowSink, t0, tempStore } from './helpers.js';

const schemaFile = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/export/prov-json-schema.json');

/** The W3C PROV-JSON schema, compiled; `uri` and `date-time` checked as RFC 3986 (a scheme, then no spaces) and RFC 3339. */
function provValidator() {
  // strict: false because the schema, as published, has keywords ajv does not know (prov:startTime in `activity`).
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addFormat('uri', /^[A-Za-z][A-Za-z0-9+.-]*:\S*$/);
  ajv.addFormat(
    'date-time',
    (text: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text) && !Number.isNaN(Date.parse(text)),
  );
  return ajv.compile(JSON.parse(fs.readFileSync(schemaFile, 'utf8')));
}
const validate = provValidator();

const stores: Store[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

type Records = Record<string, Record<string, unknown>>;
interface ProvJson {
  prefix: Record<string, string>;
  agent: Records;
  activity: Records;
  entity: Records;
  used: Records;
  wasGeneratedBy: Records;
  wasInformedBy: Records;
  wasAssociatedWith: Records;
  wasDerivedFrom: Records;
}

async function exportedDocument(options: { inlineLimit?: number } = {}): Promise<{ doc: ProvJson; runId: string }> {
  const { dir, store } = tempStore();
  stores.push(store);
  const runId = await recordedRun(store, dir);
  if (options.inlineLimit === undefined) {
    const sink = slowSink();
    await exporters['prov-json'].write(store, runId, sink.out);
    return { doc: JSON.parse(await sink.text()), runId };
  }
  return { doc: (await provDocument(store, runId, options)).toJSON() as unknown as ProvJson, runId };
}

const relations = (records: Records) => Object.values(records);

describe('PROV-JSON export', () => {
  it('is valid against the W3C PROV-JSON schema', async () => {
    const { doc } = await exportedDocument();
    const valid = validate(doc);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the schema check can fail: a relation without its required entity is refused', async () => {
    const { doc } = await exportedDocument();
    const broken = { ...doc, wasGeneratedBy: { '_:g': { 'prov:activity': 'run:execution' } } };
    expect(validate(broken)).toBe(false);
    expect(validate({ ...doc, metrics: {} })).toBe(false);
  });

  it('refers only to elements it declares', async () => {
    const { doc } = await exportedDocument();
    const declared = new Set([...Object.keys(doc.agent), ...Object.keys(doc.activity), ...Object.keys(doc.entity)]);
    const refs = ['prov:entity', 'prov:activity', 'prov:agent', 'prov:informed', 'prov:informant', 'prov:generatedEntity', 'prov:usedEntity'];
    for (const section of ['used', 'wasGeneratedBy', 'wasInformedBy', 'wasAssociatedWith', 'wasDerivedFrom'] as const) {
      for (const record of relations(doc[section])) {
        for (const key of refs) if (key in record) expect(declared, `${section} ${key}`).toContain(record[key]);
      }
    }
    for (const qualified of declared) expect(Object.keys(doc.prefix)).toContain(qualified.split(':')[0]);
  });

  it('has the run as an activity with its params and times, associated with the user', async () => {
    const { doc, runId } = await exportedDocument();
    expect(doc.activity['run:execution']).toMatchObject({
      'prov:label': 'mnist-cnn',
      'prov:startTime': '2024-05-01T10:00:00.000Z',
      'prov:endTime': '2024-05-01T10:00:06.000Z',
      'yprov:experiment_name': 'mnist',
      'yprov:run_id': runId,
      'runmeter:status': 'succeeded',
      'runmeter:command': 'python train.py --lr 0.01',
      'runmeter:param/lr': 0.01,
      'runmeter:param/layers': '[32,10]',
      'runmeter:tags': ['baseline'],
    });
    expect(doc.agent['runmeter:user/ada']).toEqual({ 'prov:type': 'prov:Person', 'prov:label': 'ada' });
    expect(relations(doc.wasAssociatedWith)).toContainEqual({ 'prov:activity': 'run:execution', 'prov:agent': 'runmeter:user/ada', 'prov:role': 'user' });
    expect(doc.entity['run:param/optimizer']).toEqual({ 'prov:type': 'provml:HyperParameter', 'prov:label': 'optimizer', 'prov:value': 'adam' });
    expect(relations(doc.used)).toContainEqual({ 'prov:activity': 'run:execution', 'prov:entity': 'run:param/lr' });
  });

  it('has a sub-activity per context, informed by the run', async () => {
    const { doc } = await exportedDocument();
    const contexts = Object.values(doc.activity)
      .filter((a) => a['prov:type'] === 'runmeter:Context')
      .map((a) => a['prov:label'])
      .sort();
    expect(contexts).toEqual(['evaluation', 'training', 'validation']);
    expect(doc.activity['run:context/training']).toMatchObject({ 'prov:startTime': '2024-05-01T10:00:01.000Z', 'prov:endTime': '2024-05-01T10:00:05.000Z' });
    expect(relations(doc.wasInformedBy)).toContainEqual({ 'prov:informed': 'run:context/validation', 'prov:informant': 'run:execution' });
  });

  it('has an entity per metric series, generated by its context, with values inline and a link to the data file', async () => {
    const { doc, runId } = await exportedDocument();
    const loss = doc.entity['run:metric/training/loss'];
    expect(loss).toMatchObject({
      'prov:type': 'provml:Metric',
      'prov:label': 'loss',
      'yprov:context': 'training',
      'runmeter:count': 3,
      'runmeter:min': 2.5,
      'runmeter:max': { $: 'INF', type: 'xsd:double' },
      'runmeter:last': { $: 'INF', type: 'xsd:double' },
      'dcterms:identifier': `${runId}.csv`,
      'runmeter:values': [2.5, { $: 'NaN', type: 'xsd:double' }, { $: 'INF', type: 'xsd:double' }],
      'runmeter:times': [t0 + 1000, t0 + 2000, t0 + 3000],
      'runmeter:steps': [1, 2, 3],
      'runmeter:epochs': [0, 0, { $: 'NaN', type: 'xsd:double' }],
    });
    expect(doc.entity['run:metric/run/gpu/0/utilization_percent/rank-1/node-n1/device-cuda%3A0']).toMatchObject({
      'runmeter:rank': 1,
      'runmeter:device': 'cuda:0',
    });
    expect(doc.entity['run:metric/evaluation/acc%2C%20top-1%20%22strict%22']?.['prov:label']).toBe('acc, top-1 "strict"');
    expect(relations(doc.wasGeneratedBy)).toContainEqual({
      'prov:entity': 'run:metric/training/loss',
      'prov:activity': 'run:context/training',
      'prov:time': '2024-05-01T10:00:03.000Z',
    });
    expect(relations(doc.wasGeneratedBy)).toContainEqual(
      expect.objectContaining({ 'prov:entity': 'run:metric/run/gpu/0/utilization_percent/rank-1/node-n1/device-cuda%3A0', 'prov:activity': 'run:execution' }),
    );
  });

  it('links long series to the data file instead of inlining them', async () => {
    const { doc } = await exportedDocument({ inlineLimit: 2 });
    expect(doc.entity['run:metric/training/loss']).not.toHaveProperty('runmeter:values');
    expect(doc.entity['run:metric/validation/val_loss']?.['runmeter:values']).toEqual([{ $: '-INF', type: 'xsd:double' }]);
    expect(validate(doc)).toBe(true);
  });

  it('derives training metrics from the output they were parsed from, and artifacts from their source files', async () => {
    const { doc } = await exportedDocument();
    expect(doc.entity['run:output/stdout']).toMatchObject({ 'prov:type': 'runmeter:Output', 'yprov:file_size': 44 });
    expect(relations(doc.wasDerivedFrom)).toContainEqual({ 'prov:generatedEntity': 'run:metric/training/loss', 'prov:usedEntity': 'run:output/stdout' });
    expect(doc.entity['run:model/model.onnx']).toMatchObject({
      'prov:type': 'provml:Model',
      'prov:label': 'model.onnx',
      'runmeter:sha256': 'ab'.repeat(32),
      'runmeter:params': 1234,
      'runmeter:flops': 5678,
      'yprov:context': 'training',
    });
    expect(doc.entity['run:model/model.onnx/source']).toEqual({ 'prov:label': 'Original_model.onnx', 'dcterms:identifier': '/home/ada/mnist/model.onnx' });
    expect(relations(doc.wasDerivedFrom)).toContainEqual({ 'prov:generatedEntity': 'run:model/model.onnx', 'prov:usedEntity': 'run:model/model.onnx/source' });
    expect(relations(doc.wasGeneratedBy)).toContainEqual(
      expect.objectContaining({ 'prov:entity': 'run:model/model.onnx', 'prov:activity': 'run:context/training' }),
    );
  });
});
