import { api } from '../../api.js';
import { askText, confirmAction } from '../../components/dialog.js';
import { h, icon, setText } from '../../dom.js';
import { href } from '../../router.js';
import { canWrite, whyReadOnly } from '../../session.js';
import type { TableRun } from './records.js';

/** Tags as typed: words separated by spaces or commas; an error naming the first that will not do. */
export function readTags(text: string): { tags: string[]; problem?: string } {
  const tags = text.split(/[\s,]+/).filter((t) => t !== '');
  if (tags.length === 0) return { tags, problem: 'Type one or more tags.' };
  const long = tags.find((t) => t.length > 64);
  return long ? { tags, problem: `“${long.slice(0, 20)}…” is longer than 64 characters.` } : { tags };
}

/** Asks for tags to add and (with a leading -) to remove: `best -old`. Undefined when the dialog was dismissed. */
export async function askTagChange(title: string): Promise<{ addTags: string[]; removeTags: string[] } | undefined> {
  const answer = await askText({
    title,
    label: 'Tags (a leading - removes one: best -old)',
    placeholder: 'sweep best',
    confirm: 'Apply',
    check: (text) => readTags(text.replace(/(^|[\s,])-/g, '$1')).problem,
  });
  if (answer === undefined) return undefined;
  const words = answer.split(/[\s,]+/).filter((w) => w !== '');
  return { addTags: words.filter((w) => !w.startsWith('-')), removeTags: words.filter((w) => w.startsWith('-')).map((w) => w.slice(1)) };
}

/** What the selected runs can have done to them: compare, tag, delete. */
export function selectionActions(options: { selected: Set<string>; runs: () => readonly TableRun[]; reload(): void }): {
  element: HTMLElement;
  update(): void;
} {
  const compareLabel = h('span', {}, 'Compare');
  const compare = h(
    'button',
    {
      type: 'button',
      class: 'button button-primary',
      title: 'Select two or more runs to compare',
      onclick: () => {
        if (options.selected.size >= 2) location.hash = href({ page: 'compare', runIds: [...options.selected] });
      },
    },
    icon('compare', 14),
    compareLabel,
  );
  const tag = h('button', { type: 'button', class: 'button', onclick: () => void tagSelected() }, icon('tag', 14), 'Tag');
  const remove = h('button', { type: 'button', class: 'button', onclick: () => void deleteSelected() }, icon('trash', 14), 'Delete');
  const status = h('span', { class: 'action-status', role: 'status' });
  const chosen = () => options.runs().filter((r) => options.selected.has(r.id));

  async function tagSelected(): Promise<void> {
    const runs = chosen();
    const answer = await askTagChange(`Tag ${runs.length} ${runs.length === 1 ? 'run' : 'runs'}`);
    if (answer === undefined) return;
    const { addTags: add, removeTags } = answer;
    const failures: string[] = [];
    for (const run of runs) {
      await api.changeRun(run.id, { addTags: add, removeTags }).catch((error: Error) => failures.push(`${run.name}: ${error.message}`));
    }
    setText(
      status,
      failures.length > 0 ? failures.join('; ') : `Tagged ${runs.length} ${runs.length === 1 ? 'run' : 'runs'}: ${add.join(', ') || 'tags removed'}`,
    );
    options.reload();
  }

  async function deleteSelected(): Promise<void> {
    const runs = chosen();
    const running = runs.filter((r) => r.status === 'running');
    const doomed = runs.filter((r) => r.status !== 'running');
    const message: Array<HTMLElement | string> = [];
    if (doomed.length > 0) {
      message.push(
        `These ${doomed.length === 1 ? 'run' : `${doomed.length} runs`} and all their metrics, output and artifacts will be deleted. This cannot be undone.`,
        h(
          'ul',
          { class: 'dialog-list' },
          ...doomed.slice(0, 8).map((r) => h('li', {}, h('strong', {}, r.name), ' ', h('span', { class: 'run-id' }, r.id))),
          doomed.length > 8 ? h('li', {}, `and ${doomed.length - 8} more`) : null,
        ),
      );
    }
    if (running.length > 0)
      message.push(
        `${running.length === 1 ? '1 run is' : `${running.length} runs are`} still running and will be kept: stop ${running.length === 1 ? 'it' : 'them'} first.`,
      );
    if (doomed.length === 0) {
      await confirmAction({ title: 'Nothing to delete', message, confirm: 'OK' });
      return;
    }
    if (!(await confirmAction({ title: `Delete ${doomed.length} ${doomed.length === 1 ? 'run' : 'runs'}?`, message, confirm: 'Delete', danger: true }))) return;
    const failures: string[] = [];
    for (const run of doomed) {
      await api
        .deleteRun(run.id)
        .then(() => options.selected.delete(run.id))
        .catch((error: Error) => failures.push(`${run.name}: ${error.message}`));
    }
    setText(status, failures.length > 0 ? failures.join('; ') : `Deleted ${doomed.length} ${doomed.length === 1 ? 'run' : 'runs'}`);
    options.reload();
  }

  const element = h('div', { class: 'selection-actions' }, status, tag, remove, compare);
  return {
    element,
    update() {
      const n = options.selected.size;
      // GET /api/v1/compare takes at most 50 runs.
      compare.disabled = n < 2 || n > 50;
      compare.title = n > 50 ? 'Compare takes at most 50 runs: select fewer' : 'Select two or more runs to compare';
      setText(compareLabel, n >= 2 ? `Compare ${n} runs` : 'Compare');
      const writable = canWrite();
      for (const button of [tag, remove]) {
        button.hidden = n === 0;
        button.disabled = !writable;
        button.title = writable ? '' : whyReadOnly();
      }
    },
  };
}
