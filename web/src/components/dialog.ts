import { h } from '../dom.js';

/** A modal dialog with a body and buttons; resolves with the value of the button pressed (undefined: dismissed). */
function modal<T>(
  title: string,
  body: HTMLElement[],
  buttons: Array<{ label: string; value: () => T | undefined; primary?: boolean; danger?: boolean }>,
): Promise<T | undefined> {
  return new Promise((resolve) => {
    const dialog = h('dialog', { class: 'dialog', 'aria-label': title });
    const close = (value: T | undefined) => {
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    const row = h(
      'div',
      { class: 'dialog-buttons' },
      h('button', { type: 'button', class: 'button', onclick: () => close(undefined) }, 'Cancel'),
      ...buttons.map((button) =>
        h(
          'button',
          {
            type: button.primary || button.danger ? 'submit' : 'button',
            class: `button${button.danger ? ' button-danger' : button.primary ? ' button-primary' : ''}`,
            onclick: (event: Event) => {
              event.preventDefault();
              const value = button.value();
              if (value !== undefined) close(value);
            },
          },
          button.label,
        ),
      ),
    );
    dialog.append(h('form', { class: 'dialog-form', method: 'dialog' }, h('h2', { class: 'dialog-title' }, title), ...body, row));
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      close(undefined);
    });
    document.body.append(dialog);
    dialog.showModal();
    (dialog.querySelector('input, textarea') as HTMLElement | null)?.focus();
  });
}

/** Asks to confirm something that cannot be undone. */
export async function confirmAction(options: { title: string; message: Array<HTMLElement | string>; confirm: string; danger?: boolean }): Promise<boolean> {
  const body = options.message.map((part) => (typeof part === 'string' ? h('p', {}, part) : part));
  return (await modal(options.title, body, [{ label: options.confirm, value: () => true, danger: options.danger ?? false, primary: true }])) === true;
}

/**
 * Asks for a line or a text. `check` returns an error message for a value that will not do; it is shown under the
 * field and the dialog stays open.
 */
export function askText(options: {
  title: string;
  label: string;
  value?: string;
  placeholder?: string;
  multiline?: boolean;
  confirm: string;
  hint?: string;
  check?: (value: string) => string | undefined;
}): Promise<string | undefined> {
  const field = options.multiline
    ? h('textarea', { class: 'dialog-textarea', rows: 10, placeholder: options.placeholder ?? '', spellcheck: 'true' })
    : h('input', { type: 'text', class: 'dialog-input', placeholder: options.placeholder ?? '', spellcheck: 'false' });
  field.value = options.value ?? '';
  const error = h('p', { class: 'dialog-error', role: 'alert' });
  error.hidden = true;
  const body = [
    h('label', { class: 'dialog-label' }, h('span', {}, options.label), field),
    ...(options.hint ? [h('p', { class: 'dialog-hint' }, options.hint)] : []),
    error,
  ];
  return modal(options.title, body, [
    {
      label: options.confirm,
      primary: true,
      value: () => {
        const problem = options.check?.(field.value);
        error.hidden = problem === undefined;
        error.textContent = problem ?? '';
        return problem === undefined ? field.value : undefined;
      },
    },
  ]);
}
