"""The one error ingest raises when a whole file cannot be loaded."""

from __future__ import annotations

__all__ = ["IngestError"]


class IngestError(ValueError):
    """A file is refused as a whole; names the file and, where known, the line and column."""

    def __init__(self, file: str, reason: str, *, line: int | None = None, column: str | None = None):
        self.file, self.reason, self.line, self.column = file, reason, line, column
        where = file
        if line is not None:
            where += f", line {line}"
        if column is not None:
            where += f", column {column!r}"
        super().__init__(f"{where}: {reason}")
