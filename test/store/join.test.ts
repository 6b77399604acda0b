import { describe, expect, it } from 'vitest';
import type { RecordBatch } from '../../src/model/batch.js';
import { columnsOf } from '../../src/model/columns.js';
import { joinRunId, type MemberUpdate } from '../../src/model/run-members.js';
import { t0 } from '../helpers/store.js';
import { remoteRun } from '../server/team-helpers.js';
import { backendTitle, storeBackends } from './backends.js';

const backends = storeBackends();

/** The first batch of one agent of a joined run: the run to create (or attach to), the member, a point and output. */
async function joinBatch(key: string, node: string, startTime: number): Promise<RecordBatch> {
  const runId = await joinRunId(key);
  const member: MemberUpdate = { key: `${node}.0000`, node, host: `host-${node}`, command: ['train.py'], cwd: '/w', status: 'running', startTime };
  const bytes = Buffer.from(`output of ${node}\n`);
  return {
    runId,
    producer: `producer-${node}`,
    seq: 1,
    run: { ...remoteRun(runId, { name: `from ${node}`, startTime }), joinKey: key },
    member,
    series: columnsOf([{ series: { name: 'loss', kind: 'training', node }, time: startTime, step: 1, value: 0.5 }]),
    output: [{ stream: 'stdout', offset: 0, length: bytes.length, time: startTime, bytes, member: member.key }],
  };
}

/** The last batch of that agent: how its job ended. */
async function endBatch(key: string, node: string, update: Partial<MemberUpdate>): Promise<RecordBatch> {
  return { runId: await joinRunId(key), producer: `producer-${node}`, seq: 2, member: { key: `${node}.0000`, node, ...update } };
}

describe.each(backends)('joined runs in the store', (backend) => {
  describe.skipIf(backend.skip !== undefined)(backendTitle(backend, 'one run per join key'), () => {
    it('first batches of two agents applied at the same time through two stores make one run per key, with both members', async () => {
      const location = await backend.location();
      const [one, two] = [backend.open(location), backend.open(location)];
      const keys = Array.from({ length: 12 }, (_, i) => `slurm-${i}`);
      await Promise.all(
        keys.flatMap((key) => [joinBatch(key, 'a', t0 + 5).then((b) => one.applyBatch(b)), joinBatch(key, 'b', t0).then((b) => two.applyBatch(b))]),
      );
      const runs = await one.listRuns();
      expect(runs).toHaveLength(keys.length);
      for (const run of runs) {
        expect(run.status).toBe('running');
        expect(run.members?.map((m) => m.node).sort()).toEqual(['a', 'b']);
        // The run started when its first node did, whichever batch created it.
        expect(run.startTime).toBe(t0);
        expect(run.id).toBe(await joinRunId(run.joinKey as string));
      }
      const run = runs[0]?.id as string;
      expect(Buffer.from(await one.readOutput(run, 'stdout', 0, 100, 'a.0000')).toString()).toBe('output of a\n');
      expect(Buffer.from(await one.readOutput(run, 'stdout', 0, 100, 'b.0000')).toString()).toBe('output of b\n');
      expect(await one.outputSize(run, 'stdout')).toBe(24);
      expect((await one.outputChunks(run)).map((c) => c.member).sort()).toEqual(['a.0000', 'b.0000']);
      expect((await one.listSeries(run)).map((s) => s.node).sort()).toEqual(['a', 'b']);
    });

    it("ends as the worst of its members' statuses, with the latest end; a member that joins again reopens it", async () => {
      const store = backend.open(await backend.location());
      const key = 'torchrun-1';
      const id = await joinRunId(key);
      for (const node of ['a', 'b', 'c']) await store.applyBatch(await joinBatch(key, node, t0));
      await store.applyBatch(await endBatch(key, 'a', { status: 'succeeded', exitCode: 0, endTime: t0 + 100 }));
      await store.applyBatch(await endBatch(key, 'b', { status: 'killed', exitCode: 143, signal: 'SIGTERM', endTime: t0 + 300 }));
      expect((await store.getRun(id))?.status).toBe('running');
      await store.applyBatch(await endBatch(key, 'c', { status: 'failed', exitCode: 1, cause: 'CUDA out of memory', endTime: t0 + 200 }));
      expect(await store.getRun(id)).toMatchObject({ status: 'failed', exitCode: 1, cause: 'c: CUDA out of memory', endTime: t0 + 300 });
      const again: RecordBatch = { ...(await joinBatch(key, 'c', t0 + 1000)), producer: 'producer-c2' };
      again.member = { ...(again.member as MemberUpdate), key: 'c.1111' };
      again.output = [];
      await store.applyBatch(again);
      const reopened = await store.getRun(id);
      expect(reopened).toMatchObject({ status: 'running' });
      expect(reopened?.endTime).toBeUndefined();
      expect(reopened?.exitCode).toBeUndefined();
      await store.applyBatch({
        runId: id,
        producer: 'producer-c2',
        seq: 2,
        member: { key: 'c.1111', node: 'c', status: 'succeeded', exitCode: 0, endTime: t0 + 2000 },
      });
      expect(await store.getRun(id)).toMatchObject({ status: 'failed', exitCode: 1, endTime: t0 + 2000 });
      expect((await store.getRun(id))?.members?.map((m) => `${m.node}:${m.status}`)).toEqual(['a:succeeded', 'b:killed', 'c:failed', 'c:succeeded']);
    });

    it('refuses to attach a join key to a run with its id that another key or no key made (E_JOIN_CONFLICT)', async () => {
      const store = backend.open(await backend.location());
      const batch = await joinBatch('mine', 'a', t0);
      await store.createRun(remoteRun(batch.runId));
      await expect(store.applyBatch(batch)).rejects.toMatchObject({ code: 'E_JOIN_CONFLICT', message: expect.stringContaining('was not made by --join') });
      expect((await store.getRun(batch.runId))?.members).toBeUndefined();
    });
  });
});
