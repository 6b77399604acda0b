/** How the process is ending, as the exit hooks see it. */
export type ProcessEnding = { kind: 'exit'; exitCode: number } | { kind: 'signal'; signal: NodeJS.Signals };

/** A run that must write what it buffered before the process goes. */
export interface ExitParticipant {
  /** Writes buffered points now, synchronously where the store allows it (the SQLite store does). */
  flushNow(): void;
  /** Records how the process ended (synchronously), when the run is the SDK's own. */
  finishNow(ending: ProcessEnding): void;
  /** The event loop ran dry without `end()`: flush and end the run the normal, asynchronous way. */
  endAtBeforeExit(): Promise<void>;
}

const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const live = new Set<ExitParticipant>();

function onBeforeExit(): void {
  // Ending a run schedules work, so the loop runs again and 'beforeExit' comes back once the runs are gone.
  for (const run of [...live]) void run.endAtBeforeExit().catch(() => {});
}

function onExit(code: number): void {
  for (const run of [...live]) {
    run.flushNow();
    run.finishNow({ kind: 'exit', exitCode: code });
  }
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  // Someone else handles this signal too: they decide whether the program ends, so only make the data safe.
  const othersListen = process.listenerCount(signal) > 1;
  for (const run of [...live]) {
    run.flushNow();
    if (!othersListen) run.finishNow({ kind: 'signal', signal });
  }
  if (othersListen) return;
  live.clear();
  uninstall();
  // Re-raise with the default action restored, so the program dies by the signal as it would have without us.
  process.kill(process.pid, signal);
}

function install(): void {
  process.on('beforeExit', onBeforeExit);
  process.on('exit', onExit);
  for (const signal of signals) process.on(signal, onSignal);
}

function uninstall(): void {
  process.off('beforeExit', onBeforeExit);
  process.off('exit', onExit);
  for (const signal of signals) process.off(signal, onSignal);
}

/** Flushes `run` when the process ends: on beforeExit, on exit, and on SIGINT, SIGTERM and SIGHUP. */
export function flushAtExit(run: ExitParticipant): void {
  if (live.size === 0) install();
  live.add(run);
}

/** Stops watching `run` (it has ended). */
export function releaseAtExit(run: ExitParticipant): void {
  if (!live.delete(run)) return;
  if (live.size === 0) uninstall();
}
