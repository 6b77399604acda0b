import type { Command } from 'commander';
import { formatEnergy } from '../../model/energy.js';
import { formatBytes, formatDuration, formatSeriesValue } from '../../model/format.js';
import type { Run } from '../../model/run.js';
import type { RunMember } from '../../model/run-members.js';
import { type SeriesKind, type SeriesSummary, seriesLabel } from '../../model/series.js';
import { escapeControl } from '../../model/text.js';
import type { Artifact } from '../../store/store.js';
import { type CliContext, noStoreYet } from '../context.js';
import { writeJson } from '../json-output.js';
import { runDetail, settleLostRuns } from '../run-view.js';
import { type Paint, paintFor } from '../style.js';
import { formatCommand, formatTime, renderTable } from '../table.js';

/** Training metrics first, then FLOPs, then the job's own usage, its GPUs, and the machine's. */
const kindOrder: Record<SeriesKind, number> = { training: 0, flops: 1, job: 2, gpu: 3, system: 4 };

/** The series in the order people read them: by kind (training first), then name, context and rank. */
export function orderSeries(series: readonly SeriesSummary[]): SeriesSummary[] {
  return [...series].sort(
    (a, b) =>
      kindOrder[a.kind] - kindOrder[b.kind] ||
      a.name.localeCompare(b.name) ||
      (a.context ?? '').localeCompare(b.context ?? '') ||
      (a.rank ?? -1) - (b.rank ?? -1) ||
      (a.node ?? '').localeCompare(b.node ?? ''),
  );
}

/** A run's metadata lines, every value a job or user gave escaped. */
function metadataText(run: Run, output: { stdout: number; stderr: number }, durationMs: number, paint: Paint): string {
  const safe = escapeControl;
  const ended = `${run.exitCode !== undefined ? ` (exit ${run.exitCode})` : ''}${run.signal ? ` (${run.signal})` : ''}${run.reason ? `: ${safe(run.reason)}` : ''}`;
  const lines = [`run       ${run.id}  ${safe(run.name)}`, `status    ${paint.status(run.status)}${ended}`];
  if (run.members === undefined) {
    lines.push(`command   ${formatCommand(run.command)}`, `directory ${safe(run.cwd)}`, `host      ${safe(run.user)}@${safe(run.host)}`);
  } else {
    lines.push(`joined    key ${safe(JSON.stringify(run.joinKey ?? ''))}, ${run.members.length} node${run.members.length === 1 ? '' : 's'}`);
    lines.push(...memberLines(run.members, paint), `user      ${safe(run.user)}`);
  }
  lines.push(`started   ${formatTime(run.startTime)}   duration ${formatDuration(durationMs)}`);
  if (run.cause) lines.push(`cause     ${safe(run.cause)}`);
  if (run.gitCommit) lines.push(`git       ${safe(run.gitCommit.slice(0, 12))}${run.gitDirty ? ' (uncommitted changes)' : ''}`);
  if (run.energy) lines.push(`energy    ${formatEnergy(run.energy)}`);
  if (run.system?.gpus.length) lines.push(`gpus      ${run.system.gpus.map((g) => `${g.index}: ${safe(g.name)}`).join(', ')}`);
  const params = Object.entries(run.params).map(([k, v]) => `${safe(k)}=${safe(JSON.stringify(v) ?? 'null')}`);
  if (params.length > 0) lines.push(`params    ${params.join(' ')}`);
  if (run.tags.length > 0) lines.push(`tags      ${run.tags.map(safe).join(', ')}`);
  if (run.note) lines.push(`note      ${safe(run.note)}`);
  lines.push(`output    ${formatBytes(output.stdout)} stdout, ${formatBytes(output.stderr)} stderr   (runmeter logs ${run.id})`);
  return `${lines.join('\n')}\n\n`;
}

/** A joined run's members, one line each: node, status, duration, host and command. */
function memberLines(members: readonly RunMember[], paint: Paint): string[] {
  const safe = escapeControl;
  const width = Math.max(...members.map((member) => member.node.length));
  return members.map((member) => {
    const how = `${member.exitCode !== undefined ? ` (exit ${member.exitCode})` : ''}${member.signal ? ` (${member.signal})` : ''}`;
    const took = member.endTime === undefined ? '' : ` after ${formatDuration(member.endTime - member.startTime)}`;
    const reason = member.reason ? `: ${safe(member.reason)}` : '';
    return `node      ${safe(member.node).padEnd(width)}  ${paint.status(member.status)}${how}${took}${reason}  on ${safe(member.host)}: ${formatCommand(member.command)}`;
  });
}

/** Every series: count, last, min and max in its unit, and its step range. */
function seriesText(series: readonly SeriesSummary[]): string {
  if (series.length === 0) return 'no metrics recorded\n';
  const rows = orderSeries(series).map((s) => [
    s.kind,
    seriesLabel(s),
    s.context ?? '',
    String(s.count),
    formatSeriesValue(s, s.last),
    formatSeriesValue(s, s.min),
    formatSeriesValue(s, s.max),
    s.firstStep === undefined ? '' : `${s.firstStep}..${s.lastStep}`,
  ]);
  return renderTable(['KIND', 'SERIES', 'CONTEXT', 'POINTS', 'LAST', 'MIN', 'MAX', 'STEPS'], rows, { rightAlign: [3, 4, 5, 6] });
}

function artifactText(artifacts: readonly Artifact[]): string {
  return artifacts.map((a) => `${a.kind} ${escapeControl(a.name)} ${formatBytes(a.size)} sha256:${a.sha256.slice(0, 12)}\n`).join('');
}

/** `runmeter show RUN`: a run's metadata and, for each series, its count, last, min, max and step range. */
export function register(program: Command, context: CliContext): void {
  program
    .command('show')
    .description('show a run: metadata and a summary of every series (training metrics first)')
    .argument('<run>', 'an id, a unique id prefix, a name, or "last"')
    .option('--json', 'print JSON, the shape of GET /api/v1/runs/:run (docs/json.md)')
    .option('--store <store>', 'store to read (default: $RUNMETER_STORE or ~/.runmeter)')
    .action(async (ref: string, flags: { json?: boolean; store?: string }) => {
      const store = context.readStore(flags.store);
      if (store === undefined) throw noStoreYet(ref, flags.store, context.env);
      await settleLostRuns(store);
      const run = await store.resolveRun(ref);
      const { detail, series } = await runDetail(store, run);
      if (flags.json) {
        writeJson(context.stdout, detail);
        return;
      }
      const paint = paintFor(context.stdout, context.env);
      context.stdout.write(metadataText(run, detail.output, detail.run.durationMs, paint) + seriesText(series) + artifactText(detail.artifacts));
    });
}
