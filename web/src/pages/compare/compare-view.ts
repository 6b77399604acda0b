// The compare page's own settings, kept in the URL beside `runs` (`#/compare?runs=a,b&group=param:lr&sx=lr`), so a
// link reproduces the view and Back undoes a change.
import { viewParams, writeView } from '../../view-state.js';

/** What the compare page shows besides the runs: every param or only those that differ, grouping, the scatter's axes. */
export interface CompareView {
  allParams: boolean;
  /** `param:NAME` or `tag:NAME`; '' draws a line per run. */
  group: string;
  /** The scatter's param and metric ('' picks the first); its value is a run's final or best one. */
  scatterParam: string;
  scatterMetric: string;
  scatterValue: 'final' | 'best';
}

/** The settings in the current URL. */
export function readCompareView(): CompareView {
  const params = viewParams();
  const group = params.get('group') ?? '';
  return {
    allParams: params.get('all') === '1',
    group: /^(param|tag):./.test(group) ? group : '',
    scatterParam: params.get('sx') ?? '',
    scatterMetric: params.get('sy') ?? '',
    scatterValue: params.get('sv') === 'best' ? 'best' : 'final',
  };
}

/** Writes a change as a history entry, so Back undoes it. Defaults are left out of the URL. */
export function writeCompareView(view: CompareView): void {
  writeView(
    {
      all: view.allParams ? '1' : undefined,
      group: view.group,
      sx: view.scatterParam,
      sy: view.scatterMetric,
      sv: view.scatterValue === 'best' ? 'best' : undefined,
    },
    'push',
  );
}
