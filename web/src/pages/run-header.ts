import { api, type RunResponse, type RunView } from '../api.js';
import { statusBadge, updateStatusBadge } from '../components/status.js';
import { h, icon, replaceChildren, setText } from '../dom.js';
import { formatCommand, formatDateTime, formatDuration } from '../format.js';
import { runOrganise } from './run-organise.js';

function exitText(run: RunView): string {
  if (run.status === 'running') return 'running';
  if (run.signal) return `signal ${run.signal}${run.exitCode !== undefined ? ` (exit ${run.exitCode})` : ''}`;
  if (run.exitCode !== undefined) return String(run.exitCode);
  return run.status === 'lost' ? 'unknown (lost)' : '—';
}

/** `0.342 kWh · 162 g CO2e`: what the run used, and what that stands for. */
function energyText(energy: NonNullable<RunView['energy']>): string {
  const grams = energy.co2eGrams >= 100 ? String(Math.round(energy.co2eGrams)) : String(Number(energy.co2eGrams.toPrecision(3)));
  return `${Number(energy.kwh.toPrecision(3))} kWh · ${grams} g CO2e`;
}

function gitText(run: RunView): string {
  if (!run.gitCommit) return '—';
  return `${run.gitCommit.slice(0, 10)}${run.gitDirty ? ' (uncommitted changes)' : ''}`;
}

const exportFormats = [
  ['csv', 'CSV'],
  ['jsonl', 'JSON Lines'],
  ['prov-json', 'PROV-JSON'],
] as const;

/** The run page's header: name, status, command, exit, duration, host, git commit; it follows the run live. */
export function runHeader(
  detail: RunResponse,
  /** Told when the user renamed, tagged or noted the run here. */
  onChange: (run: RunView) => void = () => {},
): { element: HTMLElement; update(run: RunView): void; destroy(): void } {
  let run = detail.run;
  const badge = statusBadge(run.status);
  const duration = h('dd', {});
  const exit = h('dd', {});
  const ended = h('dd', {});
  const reason = h('p', { class: 'run-reason' });
  // Why a failed, killed or lost run ended (a traceback's last line, the OOM killer, a signal), with its logs a click away.
  const cause = detail.endCause;
  const causeLine = cause
    ? h(
        'p',
        { class: 'run-cause' },
        h('span', { class: 'run-cause-label' }, 'Ended: '),
        h('span', { class: 'run-cause-text' }, cause.text),
        ...(cause.stream
          ? [
              ' ',
              h(
                'a',
                { href: `#/runs/${encodeURIComponent(run.id)}/logs${cause.offset !== undefined ? `?line=${cause.stream}:${cause.offset}` : ''}` },
                `in the ${cause.stream} log`,
              ),
            ]
          : []),
      )
    : undefined;
  const exportMenu = h(
    'details',
    { class: 'menu' },
    h('summary', { class: 'button' }, icon('download', 14), 'Export'),
    h(
      'div',
      { class: 'menu-items' },
      ...exportFormats.map(([format, label]) => h('a', { class: 'menu-item', href: api.exportUrl(run.id, format), download: '' }, label)),
    ),
  );
  const field = (label: string, value: HTMLElement | string, title?: string) =>
    h('div', { class: 'meta-field' }, h('dt', {}, label), typeof value === 'string' ? h('dd', title ? { title } : {}, value) : value);
  const title = h('h1', { class: 'run-title' }, run.name);
  const crumb = h('span', {}, run.name);
  const organise = runOrganise(run, (changed) => {
    update(changed);
    onChange(changed);
  });
  const command = formatCommand(run.command);
  const gpus = run.system?.gpus ?? [];
  const element = h(
    'header',
    { class: 'run-header' },
    h('nav', { class: 'breadcrumb' }, h('a', { href: '#/' }, 'Runs'), h('span', { class: 'breadcrumb-sep' }, '/'), crumb),
    h(
      'div',
      { class: 'run-title-row' },
      title,
      badge,
      h('span', { class: 'run-id' }, run.id),
      h('div', { class: 'toolbar-spacer' }),
      organise.actions,
      exportMenu,
    ),
    organise.tags,
    h('pre', { class: 'run-command', title: command }, command),
    organise.note,
    reason,
    ...(causeLine ? [causeLine] : []),
    h(
      'dl',
      { class: 'meta-grid' },
      field('Exit', exit),
      field('Duration', duration),
      field('Started', formatDateTime(run.startTime)),
      field('Ended', ended),
      field('Host', run.host, `${run.user}@${run.host}`),
      field('Git commit', gitText(run), run.gitCommit),
      field(
        'GPUs',
        gpus.length === 0 ? 'none' : [...new Set(gpus.map((g) => g.name))].map((n) => `${gpus.filter((g) => g.name === n).length}× ${n}`).join(', '),
      ),
      field('Directory', run.cwd, run.cwd),
      ...(run.energy
        ? [
            field(
              'Energy',
              energyText(run.energy),
              `${Math.round(run.energy.joules)} J, at ${run.energy.gridIntensity.gramsPerKwh} g CO2e/kWh (${run.energy.gridIntensity.source})`,
            ),
          ]
        : []),
    ),
  );
  function update(next: RunView): void {
    run = next;
    updateStatusBadge(badge, run.status);
    setText(title, run.name);
    setText(crumb, run.name);
    document.title = `${run.name} · runmeter`;
    organise.update(run);
    setText(exit, exitText(run));
    setText(ended, run.endTime ? formatDateTime(run.endTime) : '—');
    setText(duration, formatDuration(run.status === 'running' ? Date.now() - run.startTime : run.durationMs));
    if (run.reason) replaceChildren(reason, run.reason);
    reason.hidden = !run.reason;
  }
  update(run);
  const ticker = window.setInterval(() => {
    if (run.status === 'running') setText(duration, formatDuration(Date.now() - run.startTime));
  }, 1000);
  return { element, update, destroy: () => clearInterval(ticker) };
}
