import 'uplot/dist/uPlot.min.css';
import './styles/base.css';
import './styles/layout.css';
import './styles/runs.css';
import './styles/run.css';
import './styles/charts.css';
import './styles/logs.css';
import './styles/organise.css';
import './styles/compare.css';
import { h, icon } from './dom.js';
import { onConnectionState } from './live.js';
import type { Page } from './page.js';
import { comparePage } from './pages/compare-page.js';
import { runPage } from './pages/run-page.js';
import { runsPage } from './pages/runs/runs-page.js';
import { parseRoute } from './router.js';
import { loadSession } from './session.js';
import { showing, writingView } from './view-state.js';

const stateText = { connecting: 'Connecting…', live: 'Live', offline: 'Offline' } as const;

function topBar(): HTMLElement {
  const dot = h('span', { class: 'connection-dot' });
  const label = h('span', { class: 'connection-label' });
  const connection = h('span', { class: 'connection', title: 'Updates arrive over a live stream from runmeter ui' }, dot, label);
  onConnectionState((state) => {
    connection.dataset.state = state;
    label.textContent = stateText[state];
  });
  return h(
    'header',
    { class: 'topbar' },
    h('a', { class: 'brand', href: '#/' }, h('span', { class: 'brand-mark' }, icon('logo', 16)), 'runmeter'),
    h('nav', { class: 'topnav' }, h('a', { href: '#/', class: 'topnav-link' }, 'Runs')),
    h('div', { class: 'toolbar-spacer' }),
    connection,
  );
}

const main = h('main', { class: 'content' });
let current: Page | undefined;

function notFound(path: string): Page {
  const element = h(
    'div',
    { class: 'empty-state' },
    h('h2', {}, 'Nothing here'),
    h('p', {}, `There is no page at "${path}".`),
    h('a', { href: '#/', class: 'button' }, 'Back to runs'),
  );
  return { element, destroy() {} };
}

/** Shows the page the URL names, stopping the previous page's streams and charts. */
function route(): void {
  const target = parseRoute(location.hash);
  if (current?.update?.(target)) return;
  current?.destroy();
  current =
    target.page === 'runs'
      ? runsPage()
      : target.page === 'run'
        ? runPage(target.runId, target.tab)
        : target.page === 'compare'
          ? comparePage(target.runIds)
          : notFound(target.path);
  main.replaceChildren(current.element);
  for (const link of document.querySelectorAll<HTMLAnchorElement>('.topnav-link')) link.classList.toggle('active', target.page !== 'run');
  window.scrollTo(0, 0);
}

/** Routes when the URL changed other than by a page's own view-setting writes (Back, Forward, links, typing). */
function onNavigate(): void {
  if (writingView() || showing(location.hash)) return;
  route();
}

document.getElementById('app')?.append(topBar(), main);
window.addEventListener('hashchange', onNavigate);
window.addEventListener('popstate', onNavigate);
void loadSession();
onNavigate();
