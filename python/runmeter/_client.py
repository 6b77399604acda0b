"""The client: calls append to a queue and return; a sender thread ships the queue to runmeter every second (or
sooner when it grows), so the training loop never waits on runmeter and never fails because of it."""
import json
import math
import os
import signal
import sys
import threading
from collections import deque
from typing import Any, Deque, Dict, List, Optional, Set, Tuple, Union

from ._transport import ProcessTransport, SocketTransport, Transport, TransportError, runmeter_command

# One point: name, context (None: implied by the name), time in ms, step, epoch, value.
Point = Tuple[str, Optional[str], float, Optional[int], Optional[int], float]
Item = Union[Point, Dict[str, Any]]

FLUSH_SECONDS = 1.0
# Points waiting before the sender is woken early: a fast loop is shipped in large batches, not all at the end.
WAKE_AT = 65_536
# Points kept while runmeter does not take them (gone, slow): past this, new points are counted as dropped.
MAX_WAITING = 1_000_000
# Points per message: one JSON line stays a few MB.
BATCH = 50_000
_NON_FINITE = {math.inf: "Infinity", -math.inf: "-Infinity"}


def warn(message: str) -> None:
    """runmeter's own messages go to stderr, one line each, as runmeter's do; never an exception."""
    try:
        sys.stderr.write(f"runmeter: {message}\n")
        sys.stderr.flush()
    except Exception:
        pass


# Signals a thread takes because of what it did itself: never blocked (a fault there must still end the program).
_SYNCHRONOUS = {getattr(signal, name) for name in ("SIGSEGV", "SIGBUS", "SIGFPE", "SIGILL", "SIGTRAP", "SIGABRT", "SIGSYS") if hasattr(signal, name)}


def _leave_signals_to_the_program() -> None:
    """Blocks the process's signals in the calling thread and the threads it starts, so the kernel hands a SIGTERM,
    SIGINT or a scheduler's SIGUSR1 to one of the program's threads. Python runs its handlers on the main thread,
    but the kernel may deliver a process's signal to any thread that does not block it: one taken by the sender
    thread only set a flag, and a main thread asleep in time.sleep(60) handled SIGTERM 60 s later (3 kills in 30
    under load). The recorder started from this thread is Node, which unblocks every signal at start-up."""
    if hasattr(signal, "pthread_sigmask"):
        try:
            signal.pthread_sigmask(signal.SIG_BLOCK, set(signal.valid_signals()) - _SYNCHRONOUS)
        except (OSError, ValueError):
            pass


def _wire(value: float) -> Any:
    if value != value:
        return "NaN"
    return _NON_FINITE.get(value, value)


def _points_line(points: List[Point]) -> bytes:
    try:
        text = json.dumps({"type": "points", "points": points}, allow_nan=False, separators=(",", ":"))
    except ValueError:
        # NaN or an infinity somewhere: JSON has no literal for them, runmeter reads them as strings.
        text = json.dumps({"type": "points", "points": [p[:5] + (_wire(p[5]),) for p in points]}, separators=(",", ":"))
    return text.encode() + b"\n"


class Client:
    """One program's link to its run: inside `runmeter run` the agent's run, elsewhere a run of its own."""

    def __init__(self, hello: Dict[str, Any], store: Optional[str], flush_interval: float = FLUSH_SECONDS) -> None:
        self.queue: Deque[Item] = deque()
        self.dropped = 0
        self.errors = 0
        self.last_error: Optional[str] = None
        self.broken: Optional[str] = None
        self.closed = False
        self.pid = os.getpid()
        self.welcome: Optional[Dict[str, Any]] = None
        self.inside_run = bool(os.environ.get("RUNMETER_CHANNEL"))
        self._store = store
        self._interval = flush_interval
        self._hello = hello
        self._transport: Optional[Transport] = None
        self._answers = threading.Condition()
        self._flushed: Set[int] = set()
        self._ended: Set[int] = set()
        self._next_id = 0
        self._closing = False
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._run, name="runmeter-sender", daemon=True)
        self._thread.start()

    # --- called by the program's threads -------------------------------------------------------------------

    def message(self, message: Dict[str, Any]) -> None:
        """Queues a message after every point logged before it."""
        if not self.closed:
            self.queue.append(message)
            self._wake.set()

    def flush(self, timeout: float) -> bool:
        """Ships what waits and waits until runmeter has stored it; False if it could not within `timeout` s."""
        if self.broken is not None or self.closed:
            return False
        ident = self._ident()
        self.message({"type": "flush", "id": ident})
        with self._answers:
            self._answers.wait_for(lambda: ident in self._flushed or self.broken is not None, timeout)
            return ident in self._flushed

    def end(self, status: str, timeout: float) -> None:
        """Ships what waits, ends the run (outside `runmeter run`), and closes the link; says what was dropped."""
        if self.closed:
            return
        ident = self._ident()
        self.queue.append({"type": "end", "status": status, "id": ident})
        self.closed = True
        self._closing = True
        self._wake.set()
        with self._answers:
            self._answers.wait_for(lambda: ident in self._ended or self.broken is not None, timeout)
        self._thread.join(timeout=1.0)
        if self._transport is not None:
            self._transport.close(timeout)
        if self.dropped > 0:
            warn(f"{self.dropped} points were not recorded ({self.broken or 'runmeter did not take them in time'})")

    def wait_for_welcome(self, timeout: float) -> Optional[Dict[str, Any]]:
        with self._answers:
            self._answers.wait_for(lambda: self.welcome is not None or self.broken is not None, timeout)
            return self.welcome

    def wake(self) -> None:
        self._wake.set()

    # --- the sender thread ---------------------------------------------------------------------------------

    def _ident(self) -> int:
        self._next_id += 1
        return self._next_id

    def _connect(self) -> Transport:
        channel = os.environ.get("RUNMETER_CHANNEL")
        if channel:
            return SocketTransport(channel, self._on_answer, self._on_gone)
        command = runmeter_command()
        if command is None:
            where = "RUNMETER_BIN names no executable" if os.environ.get("RUNMETER_BIN") else "`runmeter` is not on the PATH"
            raise TransportError(f"{where} (install runmeter, or set RUNMETER_BIN to its executable)")
        command = command + ["record", "--stdio"] + (["--store", self._store] if self._store else [])
        return ProcessTransport(command, self._on_answer, self._on_gone)

    def _run(self) -> None:
        _leave_signals_to_the_program()
        try:
            self._transport = self._connect()
            self._transport.send(json.dumps(self._hello, separators=(",", ":")).encode() + b"\n")
        except TransportError as error:
            self._break(str(error))
        while True:
            self._wake.wait(self._interval)
            self._wake.clear()
            self._drain()
            if self._closing:
                return

    def _drain(self) -> None:
        queue = self.queue
        if self.broken is not None:
            while queue:
                if queue.popleft().__class__ is tuple:
                    self.dropped += 1
            return
        points: List[Point] = []
        try:
            while queue:
                item = queue.popleft()
                if item.__class__ is tuple:
                    points.append(item)  # type: ignore[arg-type]
                    if len(points) >= BATCH:
                        self._send(_points_line(points))
                        points = []
                    continue
                if points:
                    self._send(_points_line(points))
                    points = []
                self._send(json.dumps(item, separators=(",", ":")).encode() + b"\n")
            if points:
                self._send(_points_line(points))
        except TransportError as error:
            self.dropped += len(points)
            self._break(str(error))
            self._drain()

    def _send(self, data: bytes) -> None:
        assert self._transport is not None
        self._transport.send(data)

    def _break(self, why: str) -> None:
        if self.broken is None:
            self.broken = why
            warn(f"{why}; the training goes on, and what it logs is not recorded")
        with self._answers:
            self._answers.notify_all()

    def _on_answer(self, answer: Dict[str, Any]) -> None:
        kind = answer.get("type")
        with self._answers:
            if kind == "welcome":
                self.welcome = answer
            elif kind == "flushed":
                self._flushed.add(answer.get("id", -1))
            elif kind == "ended":
                self._ended.add(answer.get("id", -1))
            elif kind == "error":
                # runmeter says it on its own stderr too; keep the count and the last one for the program to read.
                self.errors += 1
                self.last_error = str(answer.get("message"))
            self._answers.notify_all()

    def _on_gone(self) -> None:
        if not self._closing:
            self._break("runmeter went away")
        with self._answers:
            self._answers.notify_all()
