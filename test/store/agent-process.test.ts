import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isAgentAlive, processIdentity } from '../../src/store/agent-process.js';
import { t0, tempStore } from '../helpers/store.js';

const onLinux = fs.existsSync('/proc/self/stat');

describe('the recording process of a run', () => {
  it.runIf(onLinux)('is known by its boot and start time, so a reused pid is not taken for it', () => {
    const me = processIdentity(process.pid);
    expect(me).toMatch(/^[0-9a-f-]{36}\/\d+$/);
    expect(isAgentAlive(process.pid, me)).toBe(true);
    expect(isAgentAlive(process.pid)).toBe(true);
    // Our pid, but another process's identity: what a pid reused after the recorder died looks like.
    expect(isAgentAlive(process.pid, `${me?.split('/')[0]}/1`)).toBe(false);
  });

  it('is gone once its process has exited', async () => {
    const child = spawn(process.execPath, ['-e', '0']);
    const pid = child.pid as number;
    await new Promise((resolve) => child.on('exit', resolve));
    expect(isAgentAlive(pid)).toBe(false);
  });

  it.runIf(onLinux)('makes a run lost when the pid it recorded now belongs to another process', async () => {
    const { store } = tempStore();
    const base = { command: ['python', 'train.py'], cwd: '/', host: 'h', user: 'u', startTime: t0, version: '0', source: 'run' as const };
    const me = processIdentity(process.pid) as string;
    await store.createRun({ ...base, id: 'alive000', name: 'alive', agentPid: process.pid, agentId: me });
    await store.createRun({ ...base, id: 'reused00', name: 'reused', agentPid: process.pid, agentId: `${me.split('/')[0]}/1` });
    const lost = await store.markLostRuns('h', isAgentAlive);
    expect(lost.map((run) => run.id)).toEqual(['reused00']);
    expect((await store.getRun('alive000'))?.status).toBe('running');
    expect((await store.getRun('reused00'))?.status).toBe('lost');
    await store.close();
  });
});
