"""prov4ml's calls, module-level as prov4ml has them. One run per process at a time."""
import atexit
import os
import signal
import sys
import threading
import time
from typing import Any, Dict, Iterable, Mapping, Optional

from . import _checks
from ._client import MAX_WAITING, WAKE_AT, Client, warn
from ._context import Context

_client: Optional[Client] = None
_lock = threading.Lock()
_hooks_installed = False
_exit_code: Optional[int] = None
_time = time.time
END_SECONDS = 10.0


class Run:
    """The run the calls record into: `id`, `name` and `store` once runmeter has answered."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def _welcome(self) -> Dict[str, Any]:
        return self._client.wait_for_welcome(END_SECONDS) or {}

    @property
    def id(self) -> Optional[str]:
        """The run's id (`runmeter show <id>`); None if runmeter could not be reached."""
        return self._welcome().get("run")

    @property
    def name(self) -> Optional[str]:
        return self._welcome().get("name")

    @property
    def store(self) -> Optional[str]:
        """Where the run is recorded: a store or a server."""
        return self._welcome().get("store")

    @property
    def attached(self) -> bool:
        """True inside `runmeter run`: the calls join the run runmeter records for the job."""
        return bool(self._welcome().get("attached"))

    @property
    def dropped(self) -> int:
        """Points that could not be recorded (runmeter gone or not reachable), counted, never raised."""
        return self._client.dropped

    @property
    def errors(self) -> int:
        """Messages runmeter refused (it says why on its stderr; the last is `last_error`)."""
        return self._client.errors

    @property
    def last_error(self) -> Optional[str]:
        return self._client.last_error


def _hello(name: Optional[str], params: Optional[Mapping[str, Any]], tags: Optional[Iterable[str]], experiment: Optional[str]) -> Dict[str, Any]:
    hello: Dict[str, Any] = {"type": "hello", "version": 1, "pid": os.getpid(), "argv": [sys.executable, *sys.argv], "cwd": os.getcwd()}
    if name is not None:
        hello["name"] = _checks.name("start_run", "name", name)
    else:
        script = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] not in ("", "-c") else ""
        if script:
            hello["name"] = script[:-3] if script.endswith(".py") else script
    if experiment is not None:
        hello["experiment"] = _checks.name("start_run", "experiment", experiment)
    if params is not None:
        hello["params"] = {k: _checks.param("start_run", k, v) for k, v in _checks.mapping("start_run", "params", dict(params)).items()}
    if tags is not None:
        hello["tags"] = [_checks.name("start_run", "each tag", tag) for tag in tags]
    return hello


def start_run(
    name: Optional[str] = None,
    params: Optional[Mapping[str, Any]] = None,
    tags: Optional[Iterable[str]] = None,
    experiment: Optional[str] = None,
    store: Optional[str] = None,
    flush_interval: float = 1.0,
) -> Run:
    """Starts recording, prov4ml's start_run. Inside `runmeter run` it joins the job's run (params and tags are added
    to it; name and experiment are the run's own); elsewhere it starts `runmeter record --stdio`, which records a new
    run in `store` (default: $RUNMETER_STORE, else ~/.runmeter), or on $RUNMETER_SERVER. What is logged is shipped
    every `flush_interval` seconds (sooner when much waits), at flush(), end_run() and exit."""
    global _client
    hello = _hello(name, params, tags, experiment)
    if store is not None:
        _checks.name("start_run", "store", store)
    if isinstance(flush_interval, bool) or not isinstance(flush_interval, (int, float)) or not flush_interval > 0:
        raise ValueError(f"start_run: expected flush_interval to be a positive number of seconds, got {_checks.shown(flush_interval)}")
    with _lock:
        client = _client
        if client is not None and not client.closed and client.pid == os.getpid():
            if not client.inside_run:
                raise RuntimeError("start_run: a run is already being recorded; call end_run() first")
            client.message(hello)  # inside runmeter run: more params and tags for the job's run
            return Run(client)
        _client = Client(hello, store, float(flush_interval))
        _install_hooks()
        return Run(_client)


def _current(call: str) -> Client:
    """The run the calls go to: the started one; inside `runmeter run` the job's run, joined on the first call."""
    global _client
    client = _client
    if client is not None and not client.closed and client.pid == os.getpid():
        return client
    if os.environ.get("RUNMETER_CHANNEL"):
        with _lock:
            if _client is None or _client.closed or _client.pid != os.getpid():
                _client = Client(_hello(None, None, None, None), None)
                _install_hooks()
            return _client
    raise RuntimeError(f"{call}: no run; call runmeter.start_run() first")


def log_metric(key: str, value: float, context: Optional[Any] = None, step: Optional[int] = None, epoch: Optional[int] = None) -> None:
    """Records one value of a metric, prov4ml's log_metric. Returns at once: the value is shipped within a second.

    `context` is a Context (or any string; default: implied by the name, `val_loss` is validation), `step` the global
    step, `epoch` the epoch. Bad arguments raise TypeError or ValueError naming them; runmeter's problems never raise."""
    client = _client  # a forked child starts with none (see _forget_after_fork), so no pid check is needed here
    if client is None or client.closed:
        client = _current("log_metric")
    # The hot path: exact-type checks inline, the helpers (which build the messages) only for anything else.
    if key.__class__ is not str or not key:
        key = _checks.name("log_metric", "key", key)
    if value.__class__ is not float and value.__class__ is not int:
        value = _checks.number("log_metric", "value", value)
    if context is not None and (context.__class__ is not str or not context):
        context = _checks.context("log_metric", context)
    if step is not None and (step.__class__ is not int or step < 0):
        step = _checks.place("log_metric", "step", step)
    if epoch is not None and (epoch.__class__ is not int or epoch < 0):
        epoch = _checks.place("log_metric", "epoch", epoch)
    queue = client.queue
    waiting = len(queue)
    if waiting >= MAX_WAITING:
        client.dropped += 1
        return
    queue.append((key, context, _time() * 1000.0, step, epoch, value))
    if waiting == WAKE_AT:
        client.wake()


def log_metrics(metrics: Mapping[str, Any], context: Optional[Any] = None, step: Optional[int] = None, epoch: Optional[int] = None) -> None:
    """Records several metrics at the same step; every value is checked before any is recorded."""
    client = _current("log_metrics")
    checked = [(k, _checks.number("log_metrics", f"the value of {k!r}", v)) for k, v in _checks.mapping("log_metrics", "metrics", dict(metrics)).items()]
    where = _checks.context("log_metrics", context)
    at_step = _checks.place("log_metrics", "step", step)
    at_epoch = _checks.place("log_metrics", "epoch", epoch)
    now = _time() * 1000.0
    if len(client.queue) >= MAX_WAITING:
        client.dropped += len(checked)
        return
    for key, value in checked:
        client.queue.append((key, where, now, at_step, at_epoch, value))


def log_param(key: str, value: Any) -> None:
    """Records a parameter of the run (a hyperparameter, a setting)."""
    _checks.name("log_param", "key", key)
    _current("log_param").message({"type": "params", "params": {key: _checks.param("log_param", key, value)}})


def log_params(params: Mapping[str, Any]) -> None:
    """Records several parameters; merged into those already recorded."""
    checked = {k: _checks.param("log_params", k, v) for k, v in _checks.mapping("log_params", "params", dict(params)).items()}
    _current("log_params").message({"type": "params", "params": checked})


def log_system_metrics(context: Any = Context.TRAINING, step: Optional[int] = None) -> None:
    """Records the machine's, this program's and the GPUs' usage averaged since the previous call (or since the run
    started), as prov4ml's log_system_metrics: series system/..., job/..., gpu/... with this context and step."""
    where = _checks.name("log_system_metrics", "context", context)
    at = _checks.place("log_system_metrics", "step", step)
    _current("log_system_metrics").message({"type": "system", "context": where, "step": at})


def flush(timeout: float = 30.0) -> bool:
    """Ships everything logged so far and waits until runmeter has stored it. Returns False (never raises) when
    runmeter could not be reached or did not answer within `timeout` seconds."""
    client = _client
    if client is None or client.closed or client.pid != os.getpid():
        return False
    return client.flush(timeout)


def end_run(status: Optional[str] = None) -> None:
    """Ships what is left and ends the run (status "succeeded" by default, or "failed" or "killed"). Inside
    `runmeter run`, runmeter sets the run's status when the job exits; this only makes sure the points are stored."""
    global _client
    if status is not None and status not in ("succeeded", "failed", "killed"):
        raise ValueError(f"end_run: expected status to be 'succeeded', 'failed' or 'killed', got {_checks.shown(status)}")
    with _lock:
        client, _client = _client, None
    if client is not None and client.pid == os.getpid():
        client.end(status or "succeeded", END_SECONDS)


def _exit_status() -> str:
    last = getattr(sys, "last_type", None)
    if last is not None:
        return "killed" if issubclass(last, KeyboardInterrupt) else "failed"
    return "failed" if _exit_code not in (None, 0) else "succeeded"


def _at_exit() -> None:
    if _client is not None and not _client.closed and _client.pid == os.getpid():
        end_run(_exit_status())


def _on_signal(signum: int, frame: Any) -> None:
    previous = _previous_handlers.get(signum)
    if callable(previous):
        # The program handles this signal itself (Python's own SIGINT handler raises KeyboardInterrupt): make the
        # points safe first, briefly, then let it decide.
        flush(2.0)
        previous(signum, frame)
        return
    end_run("killed")
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


_previous_handlers: Dict[int, Any] = {}


def _install_hooks() -> None:
    """At exit, and on SIGTERM and SIGINT before the program's own handling, what was logged is shipped."""
    global _hooks_installed
    if _hooks_installed:
        return
    _hooks_installed = True
    atexit.register(_at_exit)
    original_exit = sys.exit

    def exit_with(code: Any = None) -> None:
        global _exit_code
        _exit_code = code if isinstance(code, int) else (0 if code is None else 1)
        original_exit(code)

    sys.exit = exit_with  # type: ignore[assignment]
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            try:
                previous = signal.getsignal(signum)
                if previous is not signal.SIG_IGN:
                    _previous_handlers[signum] = previous if callable(previous) else None
                    signal.signal(signum, _on_signal)
            except (ValueError, OSError):
                pass


def _forget_after_fork() -> None:
    # A forked child (a DataLoader worker) has no sender thread: its calls start their own link (inside runmeter run,
    # to the same run; elsewhere they need their own start_run).
    global _client, _lock
    _client = None
    _lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_after_fork)
