import { describe, expect, it } from 'vitest';
import { runCli, tempHome } from '../helpers/cli.js';
import { recordSweep } from './sweep-store.js';

const text = (buffer: Buffer) => buffer.toString();

describe('runmeter ls --sort, --filter, --columns, --project', () => {
  it('sorts by a param, filters with the filter language and shows the columns asked for', async () => {
    const home = tempHome();
    await recordSweep(home);
    const out = await runCli(
      ['ls', '--project', 'mnist', '--filter', 'lr >= 0.001 and tag:sweep', '--sort', '-lr', '--columns', 'name,lr,bs,status,val_loss.min,loss'],
      { home },
    );
    expect(text(out.stderr)).toBe('');
    const lines = text(out.stdout).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+lr\s+bs\s+STATUS\s+val_loss\.min\s+loss$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(1, 4))).toEqual([
      ['0.1', '64', 'succeeded'],
      ['0.01', '64', 'succeeded'],
      ['0.001', '64', 'failed'],
    ]);
    expect(lines[3]).toMatch(/0\.35\s+NaN$/);
  });

  it('shows the same key metrics as the dashboard: validation loss first', async () => {
    const home = tempHome();
    await recordSweep(home);
    const table = text((await runCli(['ls', '--project', 'mnist'], { home })).stdout);
    expect(table.split('\n')[1]).toMatch(/val_loss=0\.45 loss=0\.4$/);
    expect(table).toContain('val_loss=0.45 loss=0.4');
  });

  it('says when nothing matches rather than that there are no runs, and names the position of a bad filter', async () => {
    const home = tempHome();
    await recordSweep(home);
    const none = await runCli(['ls', '--filter', 'nomatch'], { home });
    expect(none.code).toBe(0);
    expect(text(none.stderr)).toBe('no runs match --filter "nomatch"; runmeter ls lists them all\n');
    const bad = await runCli(['ls', '--filter', 'lr > 0.1 and'], { home });
    expect(bad.code).toBe(2);
    expect(text(bad.stderr)).toBe('runmeter: --filter: expected a condition after "and" at position 10, found the end\n  lr > 0.1 and\n              ^\n');
    const sort = await runCli(['ls', '--sort', 'val_los'], { home });
    expect(sort.code).toBe(2);
    expect(text(sort.stderr)).toContain('--sort: unknown field "val_los"; did you mean val_loss');
    const empty = await runCli(['ls'], { home: tempHome() });
    expect(text(empty.stderr)).toContain('no runs yet');
  });
});

describe('runmeter compare', () => {
  it('prints the params that differ and each metric’s last and best value, side by side', async () => {
    const home = tempHome();
    const ids = await recordSweep(home);
    const out = await runCli(['compare', ids[0] as string, ids[2] as string, ids[3] as string], { home });
    expect(out.code).toBe(0);
    const lines = text(out.stdout).split('\n');
    expect(lines[0]).toMatch(new RegExp(`^\\s+${ids[0]}\\s+${ids[2]}\\s+${ids[3]}$`));
    expect(lines).toContainEqual(expect.stringMatching(/^params that differ \(2 of 3; --all shows every one\)/));
    expect(lines).toContainEqual(expect.stringMatching(/^bs\s+64\s+64\s+128$/));
    expect(lines).toContainEqual(expect.stringMatching(/^lr\s+0\.1\s+0\.001\s+0\.0001$/));
    expect(lines).not.toContainEqual(expect.stringMatching(/optimizer/));
    expect(lines).toContainEqual('final metrics: last (best), * best run');
    // The lowest loss is marked: a loss's best is its min, shown in brackets where the last value is not it (NaN).
    expect(lines).toContainEqual(expect.stringMatching(/^val_loss\s+0\.15 \*\s+0\.35\s+0\.45$/));
    expect(lines).toContainEqual(expect.stringMatching(/^loss\s+0\.1 \*\s+NaN \(0\.3333\)\s+0\.4$/));
    const all = text((await runCli(['compare', '--all', ids[0] as string, ids[1] as string], { home })).stdout);
    expect(all).toMatch(/\n {2}optimizer\s+sgd\s+sgd\n/);
  });

  it('leaves out a run it cannot find, names it, compares the rest, and exits 1', async () => {
    const home = tempHome();
    const ids = await recordSweep(home);
    const out = await runCli(['compare', ids[0] as string, 'nope', ids[1] as string, '--json'], { home });
    expect(out.code).toBe(1);
    expect(text(out.stderr)).toContain('no run matches "nope"');
    expect(text(out.stderr)).toContain('left out of the comparison');
    const json = JSON.parse(text(out.stdout));
    // The shape of GET /api/v1/compare, schemaVersion first as in every --json.
    expect(Object.keys(json)).toEqual(['schemaVersion', 'runs', 'missing', 'params', 'metrics']);
    expect(json.missing).toEqual(['nope']);
    expect(json.runs[0]).toMatchObject({ id: ids[0], name: 'train_mlp.py', status: 'succeeded', project: 'mnist', tags: ['sweep'] });
    expect(json.runs.map((r: { label: string }) => r.label)).toEqual(['lr=0.1', 'lr=0.01']);
    expect(json.params).toMatchObject({ differing: ['lr'], same: ['bs', 'optimizer'], values: { lr: [0.1, 0.01] } });
    expect(json.metrics[0]).toEqual({
      key: 'val_loss',
      better: 'lower',
      values: [
        { last: 0.15, min: 0.15, max: 1.5, best: 0.15, count: 10, seriesId: expect.any(Number) },
        { last: 0.25, min: 0.25, max: 2.5, best: 0.25, count: 10, seriesId: expect.any(Number) },
      ],
    });
  });

  it('marks no best run for a metric only one of the runs has', async () => {
    const home = tempHome();
    const ids = await recordSweep(home);
    const out = await runCli(['compare', ids[0] as string, ids[4] as string], { home });
    const lines = text(out.stdout).split('\n');
    expect(lines).toContainEqual(expect.stringMatching(/^auc\s+-\s+0\.91$/));
    expect(lines).toContainEqual(expect.stringMatching(/^loss\s+0\.1\s+-$/));
    // Params neither shares differ: each run shows — for the other's.
    expect(lines).toContainEqual(expect.stringMatching(/^lr\s+0\.1\s+-$/));
    expect(lines).toContainEqual(expect.stringMatching(/^max_depth\s+-\s+6$/));
  });

  it('fails naming every ref when none of them is a run', async () => {
    const home = tempHome();
    await recordSweep(home);
    const out = await runCli(['compare', 'nope', 'zilch'], { home });
    expect(out.code).not.toBe(0);
    expect(text(out.stdout)).toBe('');
    expect(text(out.stderr)).toContain('no run matches "nope"');
    expect(text(out.stderr)).toContain('none of nope, zilch is a run; runmeter ls lists them');
  });
});
