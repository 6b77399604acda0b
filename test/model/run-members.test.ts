import { describe, expect, it } from 'vitest';
import { checkJoinKey, checkNodeName, joinedRunState, joinRunId, mergeMember, type RunMember } from '../../src/model/run-members.js';

const member = (node: string, status: RunMember['status'], more: Partial<RunMember> = {}): RunMember => ({
  key: `${node}.00`,
  node,
  host: node,
  command: ['train.py'],
  cwd: '/w',
  status,
  startTime: 1000,
  ...more,
});

describe('joined runs', () => {
  it('make the same run id from the same key, and another from another', async () => {
    const id = await joinRunId('12345');
    expect(id).toMatch(/^[0-9a-z]{8}$/);
    expect(await joinRunId('12345')).toBe(id);
    expect(await joinRunId('12346')).not.toBe(id);
  });

  it('are running while any member runs, then end with the worst status (failed, lost, killed, succeeded) and the latest end', () => {
    expect(joinedRunState([member('a', 'failed', { endTime: 5 }), member('b', 'running')])).toMatchObject({ status: 'running', endTime: undefined });
    const ended = joinedRunState([
      member('a', 'succeeded', { exitCode: 0, endTime: 9 }),
      member('b', 'killed', { exitCode: 143, signal: 'SIGTERM', endTime: 7 }),
      member('c', 'lost', { endTime: 3, reason: 'gone' }),
    ]);
    expect(ended).toMatchObject({ status: 'lost', exitCode: undefined, reason: 'gone', endTime: 9 });
    expect(joinedRunState([member('a', 'killed', { endTime: 1 }), member('b', 'failed', { exitCode: 2, endTime: 2 })])).toMatchObject({
      status: 'failed',
      exitCode: 2,
    });
    expect(joinedRunState([member('a', 'succeeded', { exitCode: 0 }), member('b', 'killed', { signal: 'SIGINT' })])).toMatchObject({
      status: 'killed',
      signal: 'SIGINT',
    });
  });

  it('sum their energy, each source named by its node', () => {
    const energy = (joules: number) => ({
      joules,
      kwh: joules / 3.6e6,
      estimatedJoules: 0,
      bySource: [{ source: 'gpu/0', joules, estimated: false }],
      co2eGrams: joules / 1000,
      gridIntensity: { gramsPerKwh: 400, source: 'world average' },
    });
    const state = joinedRunState([member('a', 'succeeded', { energy: energy(1000) }), member('b', 'succeeded', { energy: energy(3000) })]);
    expect(state.energy?.joules).toBe(4000);
    expect(state.energy?.bySource.map((s) => s.source)).toEqual(['a/gpu/0', 'b/gpu/0']);
  });

  it('merge a member update into its member, or add a new member', () => {
    const members = [member('a', 'running')];
    expect(mergeMember(members, { key: 'a.00', node: 'a', status: 'failed', exitCode: 1 })).toEqual([member('a', 'failed', { exitCode: 1 })]);
    expect(mergeMember(members, { ...member('b', 'running') }).map((m) => m.node)).toEqual(['a', 'b']);
  });

  it('refuse node names and keys that cannot be labels or file names, naming where they came from', () => {
    expect(checkNodeName('gpu-07.cluster_a', '--node')).toBe('gpu-07.cluster_a');
    expect(() => checkNodeName('../etc', '--node')).toThrow(/--node must be a node name .* got "..\/etc"/);
    expect(() => checkNodeName('', 'RUNMETER_NODE')).toThrow(/RUNMETER_NODE must be a node name/);
    expect(() => checkJoinKey('a\nb', '--join')).toThrow(/--join must be a join key/);
    expect(checkJoinKey('job 1234', '--join')).toBe('job 1234');
  });
});
