import type { CompareResponse } from '../../api.js';
import { segmented } from '../../components/controls.js';
import { h, replaceChildren } from '../../dom.js';
import type { CompareView } from './compare-view.js';
import { type ScatterPoint, scatterFigure } from './scatter.js';
import { labelledSelect, setOptions } from './select.js';

type ScatterChoice = Pick<CompareView, 'scatterParam' | 'scatterMetric' | 'scatterValue'>;

/** The scatter section: its param, metric and final-or-best choices, and the plot, redrawn when its width changes. */
export class CompareScatter {
  readonly element: HTMLElement;
  private readonly param = labelledSelect('Param', (value) => this.onChange({ scatterParam: value }), 'scatter-param');
  private readonly metric = labelledSelect('Metric', (value) => this.onChange({ scatterMetric: value }), 'scatter-metric');
  private readonly value: ReturnType<typeof segmented<'final' | 'best'>>;
  private readonly controls: HTMLElement;
  private readonly body = h('div', { class: 'scatter-body' });
  private readonly resizeObserver: ResizeObserver;
  private width = 0;
  private last: { comparison: CompareResponse; colors: readonly string[]; choice: ScatterChoice } | undefined;

  constructor(private readonly onChange: (change: Partial<ScatterChoice>) => void) {
    this.value = segmented({
      label: 'Value',
      choices: [
        ['final', 'Final'],
        ['best', 'Best'],
      ] as const,
      value: 'final',
      onChange: (value) => this.onChange({ scatterValue: value }),
    });
    this.controls = h(
      'div',
      { class: 'scatter-controls' },
      this.param.element,
      this.metric.element,
      h('div', { class: 'toolbar-group' }, h('span', { class: 'control-label' }, 'Value'), this.value),
    );
    this.element = h(
      'section',
      { class: 'compare-section scatter-section' },
      h('header', { class: 'section-head' }, h('h2', {}, 'Scatter'), h('div', { class: 'toolbar-spacer' }), this.controls),
      this.body,
    );
    this.resizeObserver = new ResizeObserver(() => {
      if (this.last && Math.abs(this.body.clientWidth - this.width) > 20) this.render(this.last.comparison, this.last.colors, this.last.choice);
    });
    this.resizeObserver.observe(this.body);
  }

  /** Draws a point per run that has both the param and the value; lists the others under the plot. */
  render(comparison: CompareResponse, colors: readonly string[], choice: ScatterChoice): void {
    this.last = { comparison, colors, choice };
    const { differing, same, values } = comparison.params;
    const params = [...differing, ...same];
    const metrics = comparison.metrics.map((m) => m.key);
    // By default, the differing numeric param with the most values (a swept learning rate) against the first metric.
    const spread = (name: string) => new Set((values[name] ?? []).filter((v) => typeof v === 'number')).size;
    const numeric = differing.filter((name) => spread(name) > 1).sort((a, b) => spread(b) - spread(a))[0];
    const param = params.includes(choice.scatterParam) ? choice.scatterParam : (numeric ?? params[0] ?? '');
    const metricKey = metrics.includes(choice.scatterMetric) ? choice.scatterMetric : (metrics[0] ?? '');
    setOptions(
      this.param.select,
      params.map((p) => ({ value: p, text: p })),
      param,
    );
    setOptions(
      this.metric.select,
      metrics.map((m) => ({ value: m, text: m })),
      metricKey,
    );
    this.value.setValue(choice.scatterValue);
    this.controls.hidden = param === '' || metricKey === '';
    this.width = this.body.clientWidth;
    if (param === '' || metricKey === '') {
      replaceChildren(this.body, h('p', { class: 'compare-note' }, param === '' ? 'These runs have no params.' : 'These runs have no training metrics.'));
      return;
    }
    const best = choice.scatterValue === 'best';
    const metric = comparison.metrics.find((m) => m.key === metricKey);
    if (best && metric?.better === undefined) {
      const note = `${metricKey} has no best value: its name does not say whether lower or higher is better. Choose Final.`;
      replaceChildren(this.body, h('p', { class: 'compare-note' }, note));
      return;
    }
    const points: ScatterPoint[] = [];
    const left: string[] = [];
    comparison.runs.forEach((run, i) => {
      const stat = metric?.values[i];
      const raw = best ? stat?.best : stat?.last;
      const x = values[param]?.[i];
      if (x === undefined || x === null) left.push(`${run.label} (no ${param})`);
      else if (typeof raw !== 'number')
        left.push(`${run.label} (${stat ? `${best ? 'best' : 'final'} ${metricKey} is ${raw ?? 'unknown'}` : `no ${metricKey}`})`);
      else points.push({ runId: run.id, label: run.label, color: colors[i] as string, x, y: raw });
    });
    replaceChildren(this.body, scatterFigure(points, left, { width: this.width || 640, xName: param, yName: `${metricKey} (${best ? 'best' : 'final'})` }));
  }

  destroy(): void {
    this.resizeObserver.disconnect();
  }
}
