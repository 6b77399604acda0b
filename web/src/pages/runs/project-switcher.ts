import { api } from '../../api.js';
import { h } from '../../dom.js';
import { formatNumber } from '../../format.js';

/** The project value that means "runs without a project" (a name no project is likely to take). */
export const NO_PROJECT = '(none)';

/** The project switcher: every project with its number of runs; the runs table shows one project, or all. */
export function projectSwitcher(options: { value: string; onChange(project: string): void }): HTMLElement & {
  setValue(project: string): void;
  load(): Promise<void>;
} {
  const select = h('select', { class: 'select', 'aria-label': 'Project' });
  let value = options.value;
  const fill = (projects: Array<{ project?: string; runs: number }>) => {
    const total = projects.reduce((n, p) => n + p.runs, 0);
    const choices: Array<[string, string]> = [['', `All projects (${formatNumber(total)})`]];
    for (const p of [...projects].sort((a, b) => (a.project ?? '').localeCompare(b.project ?? ''))) {
      choices.push(p.project === undefined ? [NO_PROJECT, `No project (${formatNumber(p.runs)})`] : [p.project, `${p.project} (${formatNumber(p.runs)})`]);
    }
    if (value !== '' && !choices.some(([v]) => v === value)) choices.push([value, `${value} (0)`]);
    select.replaceChildren(...choices.map(([v, label]) => h('option', { value: v }, label)));
    select.value = value;
    wrap.hidden = projects.length < 2 && value === '';
  };
  select.addEventListener('change', () => {
    value = select.value;
    options.onChange(value);
  });
  const wrap = h('label', { class: 'project-switcher' }, h('span', { class: 'control-label' }, 'Project'), select);
  wrap.hidden = true;
  return Object.assign(wrap, {
    setValue(project: string) {
      value = project;
      if ([...select.options].some((o) => o.value === project)) select.value = project;
    },
    async load() {
      const { projects } = await api.projects().catch(() => ({ projects: [] }));
      fill(projects);
    },
  });
}
