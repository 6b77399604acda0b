import type { RunStatus } from '../api.js';
import { h } from '../dom.js';

const labels: Record<RunStatus, string> = {
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  killed: 'Killed',
  lost: 'Lost',
};

/** A run's status as a coloured badge; a running run's dot pulses. */
export function statusBadge(status: RunStatus): HTMLElement {
  return h('span', { class: `status status-${status}`, 'data-status': status }, h('span', { class: 'status-dot' }), labels[status] ?? status);
}

/** Updates a badge made by `statusBadge` in place. */
export function updateStatusBadge(badge: HTMLElement, status: RunStatus): void {
  if (badge.dataset.status === status) return;
  badge.className = `status status-${status}`;
  badge.dataset.status = status;
  if (badge.lastChild) badge.lastChild.textContent = labels[status] ?? status;
}

export const statusLabels = labels;
