import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandNames } from '../../src/cli/main.js';
import { cliPath, jobsDir, runCli, tempHome } from '../helpers/cli.js';

const node = process.execPath;

describe('command-line conventions', () => {
  it('a bare runmeter prints the help on stdout and succeeds', async () => {
    const result = await runCli([], { home: tempHome() });
    expect(result.code).toBe(0);
    expect(result.stderr.toString()).toBe('');
    expect(result.stdout.toString()).toMatch(/^Usage: runmeter/);
    expect(result.stdout.toString()).toContain('Examples:');
  });

  it('every command has examples in its --help', async () => {
    const home = tempHome();
    const missing: string[] = [];
    // Four at a time: one after another, ~25 start-ups came within a second of the 30 s limit on a loaded machine.
    for (let i = 0; i < commandNames.length; i += 4) {
      const names = commandNames.slice(i, i + 4);
      const helps = await Promise.all(names.map((name) => runCli([name, '--help'], { home })));
      for (const [j, help] of helps.entries()) {
        expect(help.code, names[j]).toBe(0);
        if (!/\nExamples:\n {2}(runmeter|source|python)/.test(help.stdout.toString())) missing.push(names[j] as string);
      }
    }
    expect(missing, 'add examples in src/cli/examples.ts').toEqual([]);
  }, 90_000);

  it('takes --debug before or after the subcommand, and RUNMETER_DEBUG=1, to show the stack', async () => {
    const home = tempHome();
    await runCli(['run', '-q', '--', node, `${jobsDir}/print-and-exit.mjs`, '0'], { home });
    const plain = await runCli(['show', 'nosuchrun'], { home });
    expect(plain.stderr.toString()).toMatch(/^runmeter: no run matches "nosuchrun"/);
    expect(plain.stderr.toString()).not.toContain('    at ');
    for (const [args, env] of [
      [['--debug', 'show', 'nosuchrun'], {}],
      [['show', 'nosuchrun', '--debug'], {}],
      [['show', 'nosuchrun'], { RUNMETER_DEBUG: '1' }],
    ] as const) {
      const result = await runCli([...args], { home, env });
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr.toString(), args.join(' ')).toMatch(/no run matches "nosuchrun"[\s\S]*\n {4}at /);
    }
  });

  it('passes --debug after the job command to the job, untouched', async () => {
    const home = tempHome();
    const result = await runCli(['run', '-q', '--', 'echo', '--debug'], { home });
    expect(result.stdout.toString()).toBe('--debug\n');
  });

  it('read commands never create the store', async () => {
    const home = path.join(tempHome(), 'not-yet');
    const ls = await runCli(['ls'], { home });
    expect(ls.code).toBe(0);
    expect(ls.stderr.toString()).toContain('no runs yet in');
    expect(JSON.parse((await runCli(['ls', '--json'], { home })).stdout.toString())).toEqual({ schemaVersion: 1, runs: [] });
    for (const args of [
      ['show', 'last'],
      ['logs', 'last'],
      ['export', 'last', '--format', 'csv'],
      ['rm', 'last', '--yes'],
    ]) {
      const result = await runCli(args, { home });
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr.toString()).toContain('there are no runs yet in');
    }
    expect((await runCli(['gc', '--older-than', '1d', '--yes'], { home })).code).toBe(0);
    expect(fs.existsSync(home)).toBe(false);
  });

  it('refuses numeric flags out of range, naming the range', async () => {
    const home = tempHome();
    for (const [flag, value, range] of [
      ['--interval', '1e308', 'from 0.1 to 86400'],
      ['--interval', '1e-9', 'from 0.1 to 86400'],
      ['--sample-interval', 'NaN', 'from 0.05 to 86400'],
      ['--grace', '-1', 'from 0.01 to 86400'],
    ]) {
      const result = await runCli(['run', flag as string, value as string, '--', node, '-e', ''], { home });
      expect(result.code, `${flag} ${value}`).toBe(2);
      expect(result.stderr.toString()).toBe(`runmeter: ${flag} expects a number of seconds ${range}, got "${value}"\n`);
    }
    const limit = await runCli(['ls', '--limit', '1e308'], { home });
    expect(limit.stderr.toString()).toContain('--limit expects an integer from 1 to 1000000000, got "1e308"');
  });

  it('completes commands and options in bash', () => {
    const script = execFileSync(node, [cliPath, 'completion', 'bash']).toString();
    const complete = (words: string[]) =>
      execFileSync('bash', [
        '-c',
        `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _runmeter; echo "\${COMPREPLY[*]}"`,
      ])
        .toString()
        .trim();
    expect(complete(['runmeter', 'sh'])).toBe('show');
    expect(complete(['runmeter', 'run', '--sa'])).toBe('--sample-interval');
    expect(complete(['runmeter', 'gc', '--older-than', '3d', '--dr'])).toBe('--dry-run');
    // After `--` the words are the job's: runmeter offers nothing of its own.
    expect(complete(['runmeter', 'run', '--', 'python', '--na'])).toBe('');
  });

  it('completes in zsh and fish where they are installed (CI installs them)', (context) => {
    const has = (shell: string) => fs.existsSync(`/usr/bin/${shell}`) || fs.existsSync(`/bin/${shell}`);
    if (!has('fish') || !has('zsh')) {
      if (process.env.CI) throw new Error('CI must install zsh and fish (.ci/run installs them)');
      context.skip();
    }
    const fish = execFileSync('fish', ['-c', `source (${node} ${cliPath} completion fish | psub); complete -C 'runmeter ls --st'`]).toString();
    expect(fish).toMatch(/^--status\t/m);
    expect(fish).toMatch(/^--store\t/m);
    const zsh = execFileSync('zsh', [
      '-c',
      `autoload -U compinit && compinit -u && source <(${node} ${cliPath} completion zsh) && print -r -- $_comps[runmeter]`,
    ]).toString();
    expect(zsh.trim()).toBe('_runmeter');
  });

  it('names the shells completion knows when given another', async () => {
    const bad = await runCli(['completion', 'tcsh'], { home: tempHome() });
    expect(bad.code).toBe(2);
    expect(bad.stderr.toString()).toBe('runmeter: completion expects a shell: bash, zsh or fish, got "tcsh"\n');
  });
});

describe('help piped into a reader that stops early', () => {
  it.each([['run'], ['ls'], ['flops']])('`runmeter %s --help | head -1` ends quietly, with status 0', (command) => {
    // bash's pipefail gives runmeter's own status; a crash on EPIPE printed a stack and exited 1.
    const out = execFileSync('bash', ['-c', `set -o pipefail; "${node}" "${cliPath}" ${command} --help | head -c 5; echo " status=$?"`], {
      env: { ...process.env, RUNMETER_HOME: tempHome() },
      stdio: ['ignore', 'pipe', 'pipe'],
    }).toString();
    expect(out).toBe('Usage status=0\n');
  });
});
