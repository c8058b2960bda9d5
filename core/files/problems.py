"""What is wrong in a file and where: one type for every importer's reports and errors."""


class FileProblem(Exception):
    """A problem in ``file`` at ``line`` (None: the whole file) and ``column`` (None: the whole line).

    Raised where a reader cannot go on, collected (``Problems``) where an importer reports every bad
    line before refusing the file. ``message`` reads ``orders.csv, line 7, column 'Created at': reason``.
    """

    def __init__(self, file: str, line: int | None, column: str | None, reason: str, *, kind: str = ""):
        self.file = file
        self.line = line
        self.column = column or None
        self.reason = reason
        # What the file was recognised as (e.g. "amazon:cerebro"), set once known, so a failure still says so.
        self.kind = kind
        super().__init__(self.message)

    @property
    def field(self) -> str | None:
        return self.column

    @property
    def message(self) -> str:
        where = self.file or "<upload>"
        if self.line is not None:
            where += f", line {self.line}"
        if self.column:
            where += f", column {self.column!r}"
        return f"{where}: {self.reason}"

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"FileProblem({self.file!r}, {self.line!r}, {self.column!r}, {self.reason!r})"

    def __eq__(self, other) -> bool:
        if not isinstance(other, FileProblem):
            return NotImplemented
        return (self.file, self.line, self.column, self.reason) == (other.file, other.line, other.column, other.reason)

    def __hash__(self) -> int:
        return hash((self.file, self.line, self.column, self.reason))

    def as_dict(self) -> dict:
        """For reports kept as JSON or shown in a table; ``field`` repeats ``column`` for older readers."""
        column = self.column or ""
        return {"file": self.file, "line": self.line, "column": column, "field": column, "reason": self.reason,
                "message": self.message}


class TooManyProblems(Exception):
    """Raised by ``Problems.add`` once the limit is reached: reading on would only repeat the same fault."""


class Problems(list):
    """The problems found in one file, in the order found. ``add`` stops the reading at ``limit``."""

    def __init__(self, file: str, *, limit: int = 50):
        super().__init__()
        self.file = file
        self.limit = limit

    def add(self, line: int | None, column: str | None, reason: str) -> None:
        self.append(FileProblem(self.file, line, column, reason))
        if len(self) >= self.limit:
            self.append(FileProblem(self.file, None, None, f"stopped after {self.limit} problems"))
            raise TooManyProblems

    def messages(self) -> list[str]:
        return [problem.message for problem in self]
