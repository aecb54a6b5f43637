"""A run's stages as they go, for the console: each stage's start, its counts so far and its end
(the flow tells; ``jitjic run`` shows a live line per stage)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

__all__ = ["tell", "listening", "StageLines"]

Listener = Callable[[str, str, dict[str, Any]], None]
_LISTENERS: list[Listener] = []


def tell(event: str, stage: str, **data: Any) -> None:
    """Tell every listener that ``stage`` has ``started``, has news (``update``: counts so far),
    is ``done`` (``seconds`` and its counts) or ``failed`` (``error``). A listener that raises
    is ignored: showing progress never fails a run."""
    for listener in list(_LISTENERS):
        try:
            listener(event, stage, data)
        except Exception:  # noqa: S110 (a console display must not break the run)
            pass


@contextmanager
def listening(listener: Listener) -> Iterator[None]:
    """Call ``listener(event, stage, data)`` for every ``tell`` inside the block."""
    _LISTENERS.append(listener)
    try:
        yield
    finally:
        _LISTENERS.remove(listener)


def _counts(data: dict[str, Any]) -> str:
    return ", ".join(
        f"{k} {v:,}" if isinstance(v, int) and not isinstance(v, bool) else f"{k} {v}" for k, v in data.items()
    )


class StageLines:
    """A listener drawing the stages on a rich Console: on a terminal a live line for the running
    stage (its name, the seconds so far, its counts so far) above which each finished stage
    stays as one line; elsewhere (a log file, cron) a line as each stage starts and one as it
    ends. Every line starts with the date and time."""

    def __init__(self, console: Any):
        from rich.live import Live

        self.console, self.stage, self.t0, self.data = console, None, 0.0, {}
        self.live = (
            Live(
                self,
                console=console,
                refresh_per_second=4,
                transient=True,
                redirect_stdout=False,
                redirect_stderr=False,
            )
            if console.is_terminal
            else None
        )

    def __rich__(self) -> str:
        if self.stage is None:
            return ""
        counts = _counts(self.data)
        return f"{_now()} | {self.stage:<9} running {time.perf_counter() - self.t0:6.1f} s" + (
            f": {counts}" if counts else ""
        )

    def __call__(self, event: str, stage: str, data: dict[str, Any]) -> None:
        if event == "started":
            self.stage, self.t0, self.data = stage, time.perf_counter(), {}
            if self.live is None:
                self.console.print(f"{_now()} | {stage:<9} started", highlight=False, soft_wrap=True)
        elif event == "update":
            self.data.update(data)
        elif event in ("done", "failed"):
            seconds = data.pop("seconds", time.perf_counter() - self.t0)
            what = f"done in {seconds:6.1f} s: {_counts(data)}" if event == "done" else f"FAILED: {data.get('error')}"
            self.console.print(f"{_now()} | {stage:<9} {what}", highlight=False, soft_wrap=True)
            self.stage = None
        if self.live is not None:
            self.live.refresh()

    def __enter__(self) -> StageLines:
        if self.live is not None:
            self.live.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.live is not None:
            self.live.stop()


def _now() -> str:
    return f"{datetime.now():%Y-%m-%d %H:%M:%S}"
