import { api, type RunView } from '../api.js';
import { askText, confirmAction } from '../components/dialog.js';
import { h, icon, replaceChildren, setText } from '../dom.js';
import { markdownView } from '../markdown-view.js';
import { canWrite, loadSession, whyReadOnly } from '../session.js';
import { askTagChange } from './runs/run-actions.js';

/**
 * A run's name, tags and note, and the buttons that change them or delete the run. Changes go through the API with
 * the page's write token; a read-only dashboard shows the buttons disabled, saying why.
 */
export function runOrganise(
  initial: RunView,
  onChange: (run: RunView) => void,
): { actions: HTMLElement; tags: HTMLElement; note: HTMLElement; update(run: RunView): void } {
  let run = initial;
  const status = h('span', { class: 'action-status', role: 'status' });
  const tags = h('div', { class: 'run-tags' });
  const note = h('div', { class: 'run-note' });

  async function change(request: Parameters<typeof api.changeRun>[1], done: string): Promise<void> {
    try {
      const answer = await api.changeRun(run.id, request);
      setText(status, done);
      update({ ...run, ...answer.run });
      onChange(run);
    } catch (error) {
      setText(status, `Could not change this run: ${(error as Error).message}`);
    }
  }

  async function rename(): Promise<void> {
    const name = await askText({
      title: 'Rename run',
      label: 'Name',
      value: run.name,
      confirm: 'Rename',
      check: (text) => (text.trim() === '' ? 'Type a name.' : text.length > 200 ? 'A name is at most 200 characters.' : undefined),
    });
    if (name !== undefined && name.trim() !== run.name) await change({ name: name.trim() }, 'Renamed');
  }

  async function tag(): Promise<void> {
    const answer = await askTagChange('Tag this run');
    if (answer !== undefined) await change(answer, 'Tags changed');
  }

  async function editNote(): Promise<void> {
    const text = await askText({
      title: run.note ? 'Edit note' : 'Add a note',
      label: 'Note (Markdown: **bold**, *italic*, `code`, lists, links)',
      value: run.note ?? '',
      multiline: true,
      confirm: 'Save',
      hint: 'Leave it empty to remove the note.',
      check: (value) => (value.length > 65_536 ? 'A note is at most 64 KiB.' : undefined),
    });
    if (text !== undefined && text !== (run.note ?? '')) await change({ note: text }, text === '' ? 'Note removed' : 'Note saved');
  }

  async function remove(): Promise<void> {
    if (run.status === 'running') {
      await confirmAction({ title: 'Still running', message: ['This run is still running: stop its job first, then delete it.'], confirm: 'OK' });
      return;
    }
    const sure = await confirmAction({
      title: 'Delete this run?',
      message: [
        h('p', {}, h('strong', {}, run.name), ' ', h('span', { class: 'run-id' }, run.id)),
        'The run and all its metrics, output and artifacts will be deleted. This cannot be undone.',
      ],
      confirm: 'Delete',
      danger: true,
    });
    if (!sure) return;
    try {
      await api.deleteRun(run.id);
      location.hash = '#/';
    } catch (error) {
      setText(status, `Could not delete this run: ${(error as Error).message}`);
    }
  }

  const buttons = [
    h('button', { type: 'button', class: 'button button-quiet', 'data-action': 'rename', onclick: () => void rename() }, icon('edit', 14), 'Rename'),
    h('button', { type: 'button', class: 'button button-quiet', 'data-action': 'tag', onclick: () => void tag() }, icon('tag', 14), 'Tag'),
    h('button', { type: 'button', class: 'button button-quiet', 'data-action': 'note', onclick: () => void editNote() }, icon('note', 14), 'Note'),
    h('button', { type: 'button', class: 'button button-quiet', 'data-action': 'delete', onclick: () => void remove() }, icon('trash', 14), 'Delete'),
  ];
  const actions = h('div', { class: 'run-actions' }, status, ...buttons);
  const showWritable = () => {
    const writable = canWrite();
    for (const button of buttons) {
      button.disabled = !writable;
      button.title = writable ? '' : whyReadOnly();
    }
  };
  showWritable();
  void loadSession().then(showWritable);

  function update(next: RunView): void {
    run = next;
    replaceChildren(
      tags,
      ...run.tags.map((name) =>
        h(
          'span',
          { class: 'tag' },
          name,
          canWrite()
            ? h(
                'button',
                {
                  type: 'button',
                  class: 'tag-remove',
                  title: `Remove the tag ${name}`,
                  'aria-label': `Remove the tag ${name}`,
                  onclick: () => void change({ removeTags: [name] }, `Removed ${name}`),
                },
                icon('close', 11),
              )
            : null,
        ),
      ),
    );
    tags.hidden = run.tags.length === 0;
    replaceChildren(note, run.note ? markdownView(run.note) : null);
    note.hidden = !run.note;
  }
  update(run);
  return { actions, tags, note, update };
}
