// The Python client (python/runmeter) with real CPython, inside `runmeter run` (over the job's channel) and outside it
// (through `runmeter record --stdio`): every point it logs is stored once, with its params, contexts and system metrics.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lsJson, root, runCli, showJson, startCli, tempHome, waitFor } from '../helpers/cli.js';
import { clientEnv, fixture, hasPython, python, runPython, startPython } from './helpers.js';

type Series = { name: string; context?: string; count: number; last?: unknown; max?: unknown };
const find = (series: Series[], name: string, context?: string) => series.find((s) => s.name === name && (context === undefined || s.context === context));

/** What log_points.py logs, as stored: checks the series, params and tags of a run it recorded. */
function expectLogPoints(run: Record<string, unknown>, series: Series[], points: number): void {
  expect(find(series, 'loss', 'training')).toMatchObject({ count: points, max: 1 });
  expect(find(series, 'val_loss', 'validation')).toMatchObject({ count: 1, last: 0.25 });
  expect(find(series, 'val_acc', 'validation')).toMatchObject({ count: 1, last: 0.5 });
  expect(run.params).toMatchObject({ lr: 0.1, layers: [32, 10], optimizer: 'sgd' });
  expect(run.tags).toContain('python');
  // log_system_metrics(Context.TRAINING, step=1): the machine's and the script's means, at that context and step.
  for (const name of ['system/cpu_percent', 'system/memory_used_bytes', 'job/memory_rss_bytes']) {
    expect(find(series, name, 'training'), name).toMatchObject({ count: 1 });
  }
}

describe.skipIf(!hasPython)('the Python client (skipped: no python3 >= 3.9)', () => {
  it('inside runmeter run: import runmeter works with nothing installed, and the calls join the job’s run', async () => {
    const home = tempHome();
    const result = await runCli(['run', '--no-system', '--', python, fixture('log_points.py'), '20000'], { home });
    expect(result.code, result.stderr.toString()).toBe(0);
    const said = JSON.parse(result.stdout.toString());
    expect(said).toMatchObject({ logged: 20000, flushed: true });
    const { run, series } = await showJson(home);
    expect(said.run).toBe(run.id);
    expectLogPoints(run, series as Series[], 20000);
    expect(await lsJson(home)).toHaveLength(1);
  });

  it('inside runmeter run, the calls work without start_run: they join the job’s run', async () => {
    const home = tempHome();
    const result = await runCli(['run', '--no-system', '--', python, fixture('log_points.py'), '500', '--no-start'], { home });
    expect(result.code, result.stderr.toString()).toBe(0);
    const { series } = await showJson(home);
    expect(find(series as Series[], 'loss', 'training')?.count).toBe(500);
  });

  it('outside runmeter run: start_run records a run of its own through runmeter record --stdio, ended with the script’s status', async () => {
    const home = tempHome();
    const result = await runPython([fixture('log_points.py'), '3000', '--name', 'outside'], clientEnv(home));
    expect(result.code, result.stderr.toString()).toBe(0);
    expect(JSON.parse(result.stdout.toString())).toMatchObject({ logged: 3000, flushed: true });
    const { run, series } = await showJson(home);
    expect(run).toMatchObject({
      name: 'outside',
      status: 'succeeded',
      source: 'sdk',
      command: [python, fixture('log_points.py'), '3000', '--name', 'outside'],
    });
    expectLogPoints(run, series as Series[], 3000);

    const failed = await runPython([fixture('log_points.py'), '10', '--name', 'exit-3', '--exit', '3'], clientEnv(home));
    expect(failed.code).toBe(3);
    expect((await showJson(home, 'exit-3')).run.status).toBe('failed');

    const none = await runPython([fixture('log_points.py'), '10', '--no-start'], clientEnv(home));
    expect(none.code).toBe(1);
    expect(none.stderr.toString()).toContain('RuntimeError: log_metric: no run; call runmeter.start_run() first');
  });

  it.skipIf(spawnSync(python, ['-m', 'pip', '--version'], { stdio: 'ignore' }).status !== 0)(
    'pip installs the package, and a program using the installed copy records its run (skipped: no pip)',
    async () => {
      const home = tempHome();
      // From a copy, so the build leaves nothing in the checkout; without build isolation, as these machines are offline.
      const source = path.join(home, 'source');
      fs.cpSync(path.join(root, 'python'), source, { recursive: true });
      const target = path.join(home, 'site');
      const pip = spawnSync(python, ['-m', 'pip', 'install', '--quiet', '--no-build-isolation', '--no-deps', '--target', target, source], { encoding: 'utf8' });
      expect(pip.status, pip.stderr).toBe(0);
      expect(fs.existsSync(path.join(target, 'runmeter', 'py.typed'))).toBe(true);
      const result = await runPython([fixture('log_points.py'), '100', '--name', 'installed'], clientEnv(home, { PYTHONPATH: target }));
      expect(result.code, result.stderr.toString()).toBe(0);
      expect((await showJson(home, 'installed')).series.find((s) => s.name === 'loss')?.count).toBe(100);
    },
  );

  it('tells the runs of a sweep apart by their params', async () => {
    const home = tempHome();
    for (const lr of ['0.1', '0.01', '0.001']) {
      const result = await runCli(['run', '-q', '--no-system', '--', python, fixture('log_points.py'), '100', '--lr', lr], { home });
      expect(result.code, result.stderr.toString()).toBe(0);
    }
    const runs = await lsJson(home);
    expect(runs.map((run) => (run.params as { lr: number }).lr).sort()).toEqual([0.001, 0.01, 0.1]);
  });

  it('the framework hooks record the numbers of a framework’s logs, each in the context its name implies', async () => {
    const home = tempHome();
    const result = await runPython([fixture('framework_logs.py')], clientEnv(home));
    expect(result.code, result.stderr.toString()).toBe(0);
    const series = (await showJson(home)).series as Series[];
    expect(series.map((s) => [s.name, s.context, s.last]).sort()).toEqual([
      ['eval_f1', 'evaluation', 2],
      ['learning_rate', 'training', 0.001],
      ['loss', 'training', 0.5],
      ['val/acc', 'validation', 0.75],
      ['val_loss', 'validation', 0.4],
    ]);
  });

  it('raises at the call site for bad arguments, naming the call and the argument', async () => {
    const home = tempHome();
    const result = await runPython([fixture('bad_args.py')], clientEnv(home));
    expect(result.code, result.stderr.toString()).toBe(0);
    const errors = result.stdout
      .toString()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(errors).toEqual([
      ['TypeError', "log_metric: expected value to be a number, got 'abc' (str)"],
      ['ValueError', "log_metric: expected key to be a non-empty string, got '' (str)"],
      ['ValueError', 'log_metric: expected step to be 0 or more, got -1'],
      ['TypeError', 'log_metric: expected step to be an integer, got 1.5 (float)'],
      ['TypeError', 'log_metric: expected value to be a number, got True (bool)'],
      ['ValueError', "log_metric: expected context to be a non-empty string, got '' (str)"],
      ['TypeError', "log_metrics: expected the value of 'a' to be a number, got None (NoneType)"],
      ['TypeError', expect.stringMatching(/^log_params: expected param 'when' to be a number, string, bool, None, list or dict, got <object object/)],
      ['TypeError', 'log_flops_per_batch: expected the model to be a torch.nn.Module, an ONNX or TF.js model path, or ONNX bytes, got 42 (int)'],
      ['FileNotFoundError', 'log_flops_per_batch: no model file at /no/such/model.onnx'],
      ['ValueError', "end_run: expected status to be 'succeeded', 'failed' or 'killed', got 'done' (str)"],
      ['flushed', 'True'],
    ]);
  });

  it('when runmeter is stuck (its channel never reads), at most 1,000,000 points wait in memory and the rest are counted as dropped', async () => {
    const home = tempHome();
    const result = await runPython([fixture('stuck_peer.py')], clientEnv(home));
    expect(result.code, result.stderr.toString()).toBe(0);
    const { waiting, dropped } = JSON.parse(result.stdout.toString()) as { waiting: number; dropped: number };
    expect(waiting).toBeLessThanOrEqual(1_000_000);
    // 1,200,000 logged: what waits, what the sender took (at most two batches of 50,000) and what was dropped.
    expect(dropped).toBeGreaterThanOrEqual(100_000);
    expect(waiting + dropped).toBeGreaterThanOrEqual(1_100_000);
    expect(waiting + dropped).toBeLessThanOrEqual(1_200_000);
  });

  it('when runmeter is not on the PATH: one warning, and the training goes on to its own end', async () => {
    const home = tempHome();
    const env = clientEnv(home, { PATH: '/usr/bin:/bin' });
    delete env.RUNMETER_BIN;
    const result = await runPython([fixture('log_points.py'), '1000'], env);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout.toString())).toMatchObject({ logged: 1000, flushed: false });
    const said = result.stderr.toString().trim().split('\n');
    expect(said[0]).toBe(
      'runmeter: `runmeter` is not on the PATH (install runmeter, or set RUNMETER_BIN to its executable); the training goes on, and what it logs is not recorded',
    );
    expect(said[1]).toBe('runmeter: 1002 points were not recorded (`runmeter` is not on the PATH (install runmeter, or set RUNMETER_BIN to its executable))');
    expect(said).toHaveLength(2);
  });

  it('when runmeter is SIGKILLed while the script logs, the script keeps training and exits with its own status', async () => {
    const home = tempHome();
    const done = path.join(home, 'done');
    const status = path.join(home, 'status');
    // Six seconds of logging: long enough that runmeter is still running when it is killed, even on a loaded machine.
    const script = `${python} ${fixture('keep_logging.py')} 6 ${done} 7; echo $? > ${status}`;
    const runmeter = startCli(['run', '--no-system', '--', 'sh', '-c', script], { home }).child;
    await waitFor(() => fs.existsSync(`${done}.started`), 20_000, 'the script to log');
    await waitFor(async () => (await lsJson(home)).length === 1, 20_000, 'the run to be stored');
    runmeter.kill('SIGKILL');
    await waitFor(() => fs.existsSync(status) && fs.readFileSync(status, 'utf8').trim() !== '', 20_000, 'the script to end');
    expect(fs.readFileSync(status, 'utf8').trim()).toBe('7');
    expect(Number(fs.readFileSync(done, 'utf8'))).toBeGreaterThan(50);
    const [run] = await lsJson(home);
    expect(run?.status).toBe('lost'); // the next command finds runmeter gone and says so
  });

  it('on SIGINT the points are shipped before the program’s own handling, which may leave without running atexit', async () => {
    const home = tempHome();
    const ready = path.join(home, 'ready');
    const started = startPython([fixture('log_then_wait.py'), '555', ready, 'os-exit'], clientEnv(home));
    await waitFor(() => fs.existsSync(ready), 20_000, 'the script to log');
    started.child.kill('SIGINT');
    expect((await started.done).code).toBe(3);
    // os._exit ended the program without end_run: the recorder ends the run as killed, with every point.
    await waitFor(async () => (await showJson(home)).run.status !== 'running', 10_000, 'the run to end');
    const { run, series } = await showJson(home);
    expect(run.status).toBe('killed');
    expect(find(series as Series[], 'loss')?.count).toBe(555);
  });

  it.each([
    ['outside runmeter run', false],
    ['inside runmeter run', true],
  ])('%s, a script killed by SIGTERM keeps every point it logged', async (_, inside) => {
    const home = tempHome();
    const ready = path.join(home, 'ready');
    const args = [fixture('log_then_wait.py'), '777', ready];
    const started = inside ? startCli(['run', '--no-system', '--', python, ...args], { home }) : startPython(args, clientEnv(home));
    await waitFor(() => fs.existsSync(ready), 20_000, 'the script to log');
    if (inside) {
      // The script itself is signalled (the OOM killer's SIGTERM, a scheduler's), not runmeter.
      const pid = await waitForScript(ready);
      process.kill(pid, 'SIGTERM');
    } else started.child.kill('SIGTERM');
    const result = await started.done;
    if (inside) expect(result.code).toBe(143);
    else expect(result.signal).toBe('SIGTERM');
    const { run, series } = await showJson(home);
    expect(run.status).toBe('killed');
    expect(find(series as Series[], 'loss')?.count).toBe(777);
  });

  it("the client's threads block the program's signals, so the kernel hands a SIGTERM to the program's thread; the recorder they start blocks none", async () => {
    // A process's signal goes to any thread that does not block it. One the sender thread took only set Python's
    // flag, and the main thread, asleep in time.sleep(60), ran the handler a minute later (3 SIGTERMs in 30 under load).
    const result = await runPython([fixture('signal_masks.py')], clientEnv(tempHome()));
    expect(result.code, result.stderr.toString()).toBe(0);
    const masks = JSON.parse(result.stdout.toString()) as Record<string, string>;
    const blocks = (name: string, signal: number) => (BigInt(`0x${masks[name]}`) >> BigInt(signal - 1)) & 1n;
    const [SIGINT, SIGTERM, SIGUSR1, SIGSEGV] = [2, 15, 10, 11];
    const threads = Object.keys(masks).filter((name) => name.startsWith('runmeter-'));
    expect(threads.sort()).toEqual(['runmeter-answers', 'runmeter-sender']);
    for (const name of threads) {
      for (const signal of [SIGINT, SIGTERM, SIGUSR1]) expect(blocks(name, signal), `${name}, signal ${signal}`).toBe(1n);
      expect(blocks(name, SIGSEGV), `${name} keeps SIGSEGV`).toBe(0n);
    }
    expect(BigInt(`0x${masks.main}`)).toBe(0n);
    expect(BigInt(`0x${masks.recorder}`)).toBe(0n);
  });

  it('a SIGTERM that arrives while the client holds its lock ends the program by SIGTERM, with its points stored, rather than hanging', async () => {
    const home = tempHome();
    const started = startPython([fixture('term_in_lock.py')], clientEnv(home));
    const hung = setTimeout(() => started.child.kill('SIGKILL'), 20_000);
    const result = await started.done;
    clearTimeout(hung);
    expect(result.signal, result.stderr.toString()).toBe('SIGTERM');
    const { run, series } = await showJson(home);
    expect(run.status).toBe('killed');
    expect(find(series as Series[], 'loss')?.count).toBe(1);
  });
});

/** The pid of the python process running log_then_wait.py with this READY path. */
async function waitForScript(ready: string): Promise<number> {
  let pid: number | undefined;
  await waitFor(() => {
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
        if (cmdline.includes('log_then_wait.py') && cmdline.includes(ready)) pid = Number(entry);
      } catch {}
    }
    return pid !== undefined;
  });
  return pid as number;
}
