import type { Command } from 'commander';
import { formatBytes, formatDuration, formatValue } from '../../model/format.js';
import { runDuration } from '../../model/run.js';
import { seriesLabel } from '../../model/series.js';
import type { CliContext } from '../context.js';
import { writeJson } from '../json-output.js';
import { runDetail, settleLostRuns } from '../run-view.js';
import { formatCommand, formatTime, renderTable } from '../table.js';

/** `runmeter show RUN`: a run's metadata and, for each series, its count, last, min, max and step range. */
export function register(program: Command, context: CliContext): void {
  program
    .command('show')
    .description('show a run: metadata and a summary of every series')
    .argument('<run>', 'an id, a unique id prefix, a name, or "last"')
    .option('--json', 'print JSON')
    .option('--store <store>', 'store to read (default: $RUNMETER_STORE or ~/.runmeter)')
    .action(async (ref: string, flags: { json?: boolean; store?: string }) => {
      const store = context.store(flags.store);
      await settleLostRuns(store);
      const run = await store.resolveRun(ref);
      const { detail, series } = await runDetail(store, run);
      if (flags.json) {
        writeJson(context.stdout, detail);
        return;
      }
      const { artifacts } = detail;
      const { stdout: stdoutBytes, stderr: stderrBytes } = detail.output;
      const lines = [
        `run       ${run.id}  ${run.name}`,
        `status    ${run.status}${run.exitCode !== undefined ? ` (exit ${run.exitCode})` : ''}${run.signal ? ` (${run.signal})` : ''}${run.reason ? `: ${run.reason}` : ''}`,
        `command   ${formatCommand(run.command)}`,
        `directory ${run.cwd}`,
        `host      ${run.user}@${run.host}`,
        `started   ${formatTime(run.startTime)}   duration ${formatDuration(runDuration(run))}`,
      ];
      if (run.gitCommit) lines.push(`git       ${run.gitCommit.slice(0, 12)}${run.gitDirty ? ' (uncommitted changes)' : ''}`);
      if (run.system?.gpus.length) lines.push(`gpus      ${run.system.gpus.map((g) => `${g.index}: ${g.name}`).join(', ')}`);
      if (Object.keys(run.params).length > 0)
        lines.push(
          `params    ${Object.entries(run.params)
            .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
            .join(' ')}`,
        );
      if (run.tags.length > 0) lines.push(`tags      ${run.tags.join(', ')}`);
      lines.push(`output    ${formatBytes(stdoutBytes)} stdout, ${formatBytes(stderrBytes)} stderr   (runmeter logs ${run.id})`);
      context.stdout.write(`${lines.join('\n')}\n\n`);
      if (series.length === 0) {
        context.stdout.write('no metrics recorded\n');
      } else {
        const rows = series.map((s) => [
          s.kind,
          seriesLabel(s),
          s.context ?? '',
          String(s.count),
          formatValue(s.last),
          formatValue(s.min),
          formatValue(s.max),
          s.firstStep === undefined ? '' : `${s.firstStep}..${s.lastStep}`,
        ]);
        context.stdout.write(renderTable(['KIND', 'SERIES', 'CONTEXT', 'POINTS', 'LAST', 'MIN', 'MAX', 'STEPS'], rows, { rightAlign: [3, 4, 5, 6] }));
      }
      for (const artifact of artifacts)
        context.stdout.write(`${artifact.kind} ${artifact.name} ${formatBytes(artifact.size)} sha256:${artifact.sha256.slice(0, 12)}\n`);
    });
}
