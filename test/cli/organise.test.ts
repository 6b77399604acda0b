import { describe, expect, it } from 'vitest';
import { runCli, showJson, tempHome } from '../helpers/cli.js';
import { recordSweep } from './sweep-store.js';

const text = (buffer: Buffer) => buffer.toString();

describe('organising runs from the command line', () => {
  it('renames a mistyped run', async () => {
    const home = tempHome();
    const [id] = await recordSweep(home);
    const out = await runCli(['rename', id as string, 'mlp-lr0.1'], { home });
    expect(out.code).toBe(0);
    expect(text(out.stderr)).toBe(`${id}: renamed "train_mlp.py" to "mlp-lr0.1"\n`);
    expect((await showJson(home, 'mlp-lr0.1')).run.id).toBe(id);
    const bad = await runCli(['rename', id as string, ' '], { home });
    expect(bad.code).toBe(2);
    expect(text(bad.stderr)).toBe('runmeter: the new name must not be empty\n');
  });

  it('tags and untags a run, lists its tags, and tags every run a filter matches', async () => {
    const home = tempHome();
    const [id] = await recordSweep(home);
    expect((await runCli(['tag', id as string, 'best', 'keep'], { home })).code).toBe(0);
    expect((await showJson(home, id)).run.tags).toEqual(['sweep', 'best', 'keep']);
    expect(text((await runCli(['tag', id as string, '--remove', 'sweep'], { home })).stderr)).toBe(`${id} (train_mlp.py): best, keep\n`);
    expect(text((await runCli(['tag', id as string], { home })).stdout)).toBe('best\nkeep\n');
    const bulk = await runCli(['tag', '--filter', 'lr < 0.01', 'low-lr'], { home });
    expect(text(bulk.stderr).trimEnd().split('\n')).toHaveLength(2);
    const tagged = (
      JSON.parse(text((await runCli(['ls', '--json', '--filter', 'tag:low-lr'], { home })).stdout)) as { runs: Array<{ params: { lr: number } }> }
    ).runs;
    expect(tagged.map((r) => r.params.lr).sort()).toEqual([0.0001, 0.001]);
    const bad = await runCli(['tag', id as string, 'two words'], { home });
    expect(bad.code).toBe(2);
    expect(text(bad.stderr)).toContain('tag 1 ("two words") must be one word without spaces or commas');
  });

  it('sets a note from an argument or stdin, prints it, and clears it', async () => {
    const home = tempHome();
    const [id] = await recordSweep(home);
    await runCli(['note', id as string, '**lr too high**: diverged at step 9'], { home });
    expect(text((await runCli(['note', id as string], { home })).stdout)).toBe('**lr too high**: diverged at step 9\n');
    await runCli(['note', id as string, '-'], { home, input: '# Findings\n\n- <b>not bold</b>\n' });
    expect((await showJson(home, id)).run.note).toBe('# Findings\n\n- <b>not bold</b>\n');
    await runCli(['note', id as string, '--clear'], { home });
    expect((await showJson(home, id)).run.note).toBeUndefined();
    expect(text((await runCli(['note', id as string], { home })).stderr)).toContain('has no note');
  });
});
