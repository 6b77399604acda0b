import http from 'node:http';
import type { RecordBatch } from '../../src/model/batch.js';
import { encodeBatch } from '../../src/model/batch-codec.js';
import { columnsOf } from '../../src/model/columns.js';
import type { NewRun } from '../../src/model/run.js';
import { hashApiToken, newApiToken, startTeamServer, type TeamServer, type TeamServerOptions } from '../../src/server/index.js';
import type { Store } from '../../src/store/store.js';
import { t0 } from '../helpers/store.js';

/** Adds a token to the store as `runmeter token create` does; returns it. */
export async function addToken(store: Store, name: string): Promise<string> {
  const token = newApiToken();
  await store.addToken(name, hashApiToken(token), Date.now());
  return token;
}

/** A running team server on a free port, closed by the caller. */
export async function startTeam(store: Store, options: Partial<TeamServerOptions> = {}): Promise<TeamServer> {
  return startTeamServer({ store, port: 0, pollIntervalMs: 50, ...options });
}

/** The run a remote agent creates with its first batch. */
export const remoteRun = (id: string, overrides: Partial<NewRun> = {}): NewRun & { id: string } => ({
  id,
  name: 'resnet50',
  command: ['python', 'train.py'],
  cwd: '/work',
  host: 'gpu-node-1',
  user: 'ada',
  startTime: t0,
  version: '0.1.0',
  source: 'run',
  ...overrides,
});

/** Batch `seq` of a producer: loss points [from, to) by step (the first batch creates the run). */
export function lossBatch(runId: string, producer: string, seq: number, from: number, to: number): RecordBatch {
  const points = [];
  for (let i = from; i < to; i++) points.push({ series: { name: 'loss', kind: 'training' as const }, time: t0 + i, step: i, value: 1 / (i + 1) });
  return { runId, producer, seq, ...(seq === 1 ? { run: remoteRun(runId) } : {}), series: columnsOf(points) };
}

/** The encoded form of lossBatch, as an agent sends it. */
export const lossBatchBytes = (runId: string, producer: string, seq: number, from: number, to: number): Uint8Array =>
  encodeBatch(lossBatch(runId, producer, seq, from, to));

/** A raw HTTP request (node:http, so Host and Origin can be anything), answering status, headers and body text. */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: Uint8Array | string } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: options.method ?? 'GET', headers: options.headers ?? {} }, (response) => {
      const parts: Buffer[] = [];
      response.on('data', (part: Buffer) => parts.push(part));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(parts).toString() }));
    });
    request.on('error', reject);
    request.end(options.body);
  });
}
