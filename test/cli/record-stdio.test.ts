// `runmeter record --stdio`: the recorder the Python client starts for a program outside `runmeter run`.
import { describe, expect, it } from 'vitest';
import { runCli, showJson, tempHome } from '../helpers/cli.js';

const lines = (...messages: unknown[]) => messages.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join('\n') + '\n';
const hello = { type: 'hello', version: 1, pid: process.pid, name: 'notebook', experiment: 'mnist', params: { lr: 0.01 }, tags: ['nb'] };
const points = (n: number, context: string | null = null) =>
  Array.from({ length: n }, (_, i) => ['acc', context, 1_700_000_000_000 + i, i, Math.floor(i / 10), i % 5 === 0 ? 'Infinity' : i / n]);

describe('runmeter record --stdio', () => {
  it('records a run from the messages on stdin, answers in order, and ends it as the client says', async () => {
    const home = tempHome();
    const input = lines(
      hello,
      { type: 'points', points: points(300, 'validation') },
      { type: 'system', context: 'training', step: 3 },
      { type: 'flush', id: 1 },
      { type: 'end', status: 'failed', id: 2 },
    );
    const result = await runCli(['record', '--stdio'], { home, input });
    expect(result.code, result.stderr.toString()).toBe(0);
    const answers = result.stdout
      .toString()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(answers.map((a) => a.type)).toEqual(['welcome', 'flushed', 'ended']);
    expect(answers[0]).toMatchObject({ name: 'notebook', attached: false });
    const { run, series } = await showJson(home);
    expect(run).toMatchObject({ id: answers[0].run, name: 'notebook', project: 'mnist', status: 'failed', params: { lr: 0.01 }, tags: ['nb'] });
    expect(series.find((s) => s.name === 'acc')).toMatchObject({ count: 300, context: 'validation', max: 'Infinity' });
    // log_system_metrics: the means since the run started, of the machine and of the client's process (its pid).
    for (const name of ['system/cpu_percent', 'system/memory_used_bytes', 'job/memory_rss_bytes']) {
      expect(series.find((s) => s.name === name)).toMatchObject({ context: 'training', count: 1 });
    }
  });

  it('ends the run as killed, with what was sent, when the client goes away without end_run', async () => {
    const home = tempHome();
    const result = await runCli(['record', '--stdio'], { home, input: lines(hello, { type: 'points', points: points(50) }) });
    expect(result.code).toBe(0);
    const { run, series } = await showJson(home);
    expect(run.status).toBe('killed');
    expect(series.find((s) => s.name === 'acc')?.count).toBe(50);
  });

  it('answers a bad message with an error naming it, warns on stderr, and goes on', async () => {
    const home = tempHome();
    const input = lines(hello, { type: 'system', context: '' }, { type: 'sleep' }, { type: 'points', points: points(5) }, { type: 'end', id: 3 });
    const result = await runCli(['record', '--stdio'], { home, input });
    const answers = result.stdout
      .toString()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(answers.map((a) => a.type)).toEqual(['welcome', 'error', 'error', 'ended']);
    expect(answers[1].message).toBe('channel message "system": expected context to be a non-empty string, got ""');
    expect(answers[2].message).toMatch(/^channel: unknown message type "sleep"; expected hello, points/);
    expect(result.stderr.toString()).toContain('runmeter: warning: channel message "system"');
    expect((await showJson(home)).run.status).toBe('succeeded');
  });

  it('refuses to run without --stdio, saying where the messages come from', async () => {
    const result = await runCli(['record'], { home: tempHome() });
    expect(result.code).toBe(2);
    expect(result.stderr.toString()).toContain('runmeter record needs --stdio');
  });
});
