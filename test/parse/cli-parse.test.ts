import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { realFixtures, runCli, startCli, tempHome } from '../helpers/cli.js';

const log = (name: string) => path.join(realFixtures, 'logs', name);
const jsonl = (out: Buffer) =>
  out
    .toString()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('runmeter parse', () => {
  it('prints one JSON object per point with --jsonl', async () => {
    const result = await runCli(['parse', log('torchrun_tee3.stdout'), '--jsonl'], { home: tempHome() });
    expect(result.code).toBe(0);
    expect(result.stderr.toString()).toBe('');
    const lines = result.stdout.toString().split('\n');
    expect(lines[0]).toBe('{"name":"loss","value":0.7509313821792603,"step":5,"context":"training","rank":1,"line":1,"format":"json"}');
    expect(jsonl(result.stdout)).toHaveLength(8);
  });

  it('reads standard input, writes NaN and infinities as strings, and warns on stderr with line numbers', async () => {
    const input = '{"metric": "loss", "value": NaN, "step": 1}\nhello\n{"metric": "loss", "value": "high"}\n{"metric": "acc", "value": -Infinity}\n';
    const result = await runCli(['parse', '-', '--jsonl'], { home: tempHome(), input });
    expect(result.code).toBe(0);
    expect(jsonl(result.stdout).map((p) => [p.name, p.value, p.line])).toEqual([
      ['loss', 'NaN', 1],
      ['acc', '-Infinity', 4],
    ]);
    expect(result.stderr.toString()).toBe('stdin:3: rejected: "value" of "loss" must be a number, found a string ("high")\n');
  });

  it('prints a summary of each series without --jsonl', async () => {
    const result = await runCli(['parse', log('keras3_verbose1.log')], { home: tempHome() });
    expect(result.code).toBe(0);
    const text = result.stdout.toString();
    expect(text).toContain('15 points in 5 series');
    expect(text).toMatch(/val_loss\s+validation\s+3\s+0\.2383\s+0\.2383\s+1\.143\s+epoch 3\s+keras/);
  });

  it('takes --pattern and --per-batch, and the patterns of runmeter.config.json in the working directory', async () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), 'runmeter-parse-project-'));
    fs.mkdirSync(path.join(project, '.git'));
    fs.writeFileSync(path.join(project, 'runmeter.config.json'), JSON.stringify({ parse: { patterns: ['reward=/reward (\\S+)/'] } }));
    fs.writeFileSync(path.join(project, 'train.log'), 'episode 1 reward 3.5\niter 2 | lr 0.01\n');
    const home = tempHome();
    const fromConfig = await runCli(['parse', 'train.log', '--jsonl', '--pattern', 'iter (?<step>\\d+) \\| (?<name>lr) (?<value>\\S+)'], {
      home,
      cwd: project,
    });
    expect(jsonl(fromConfig.stdout).map((p) => [p.name, p.value, p.step ?? null, p.format])).toEqual([
      ['reward', 3.5, null, 'pattern'],
      ['lr', 0.01, 2, 'pattern'],
    ]);
    const noConfig = await runCli(['parse', 'train.log', '--jsonl', '--no-config'], { home, cwd: project });
    // Without the config's pattern, the generic reader takes both lines (`episode` and `iter` are the step).
    expect(jsonl(noConfig.stdout).map((p) => [p.name, p.value, p.step ?? null, p.format])).toEqual([
      ['reward', 3.5, 1, 'text'],
      ['lr', 0.01, 2, 'text'],
    ]);
    // Written as a regex literal, as in JavaScript: read as one (issue 13: `/.../g` had matched nothing, silently).
    const literal = await runCli(['parse', 'train.log', '--jsonl', '--no-config', '--pattern', '/(?<name>REWARD) (?<value>\\S+)/i'], { home, cwd: project });
    expect(jsonl(literal.stdout).map((p) => [p.name, p.value, p.format])).toEqual([
      ['reward', 3.5, 'pattern'],
      ['lr', 0.01, 'text'],
    ]);
    const global = await runCli(['parse', 'train.log', '--pattern', '/(?<name>reward) (?<value>\\S+)/g'], { home, cwd: project });
    expect([global.code, global.stdout.toString(), global.stderr.toString()]).toEqual([
      2,
      '',
      'runmeter: --pattern "/(?<name>reward) (?<value>\\\\S+)/g": flag "g" is not supported (patterns match each line whole; use i, m, s or u)\n',
    ]);
    const perBatch = await runCli(['parse', log('keras1_verbose1.log'), '--jsonl', '--per-batch'], { home });
    expect(jsonl(perBatch.stdout).length).toBeGreaterThan(200);
  });

  it('explains each line with --explain: the reader that took it and what it gave, or why none did (issue 13)', async () => {
    const file = path.join(tempHome(), 'train.log');
    fs.writeFileSync(file, '-- Epoch 3\nNorm: 6.53, Avg. loss: 0.312\n{"metric": "acc", "value": 0.9, "step": 7}\ntorch 2.1.0\nloading shard 00042 of 00512\n');
    const result = await runCli(['parse', file, '--explain', '--no-config'], { home: tempHome() });
    expect(result.code).toBe(0);
    expect(result.stdout.toString().split('\n')).toEqual([
      '1\ttext\t(a header: no points of its own)\t| -- Epoch 3',
      '2\ttext\tNorm=6.53@epoch 3 Avg. loss=0.312@epoch 3\t| Norm: 6.53, Avg. loss: 0.312',
      '3\tjson\tacc=0.9@step 7\t| {"metric": "acc", "value": 0.9, "step": 7}',
      '4\t-\tno number\t| torch 2.1.0',
      '5\t-\ta sentence\t| loading shard 00042 of 00512',
      '',
    ]);
  });

  it('stops quietly when its reader goes away, as in `runmeter parse log --jsonl | head -1`', async () => {
    const file = path.join(tempHome(), 'long.log');
    fs.writeFileSync(file, Array.from({ length: 200_000 }, (_, i) => `{"metric": "loss", "value": ${i}, "step": ${i}}\n`).join(''));
    const { child, done } = startCli(['parse', file, '--jsonl'], { home: tempHome() });
    child.stdout?.once('data', () => child.stdout?.destroy());
    const result = await done;
    expect(result.stderr.toString()).toBe('');
    expect(result.code).toBe(0);
  });

  it('says what is wrong with a missing file or a bad flag', async () => {
    const home = tempHome();
    const missing = await runCli(['parse', 'no-such.log'], { home });
    expect(missing.code).toBe(2);
    expect(missing.stderr.toString()).toBe('runmeter: cannot read no-such.log: no such file\n');
    const bad = await runCli(['parse', log('torch_json.stdout'), '--pattern', 'x(?<value>\\d)'], { home });
    expect(bad.code).toBe(2);
    expect(bad.stderr.toString()).toContain('needs a (?<name>...) group');
    const formats = await runCli(['parse', log('torch_json.stdout'), '--formats', 'json,yaml'], { home });
    expect(formats.stderr.toString()).toContain('--formats: unknown format "yaml"');
  });

  it('passes the acceptance expectations of every fixture log with an expected file', async () => {
    const expectedDir = path.join(realFixtures, 'expected');
    const home = tempHome();
    for (const file of fs.readdirSync(expectedDir)) {
      const name = file.replace('.json', '');
      const source = fs.existsSync(log(`${name}.stdout`)) ? log(`${name}.stdout`) : log(`${name}.log`);
      const expected = JSON.parse(fs.readFileSync(path.join(expectedDir, file), 'utf8'));
      const points = jsonl((await runCli(['parse', source, '--jsonl'], { home })).stdout);
      expect(points.length, name).toBe(Array.isArray(expected) ? expected.length : expected.total_accepted);
    }
  });
});
