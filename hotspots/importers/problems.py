class ImportProblem(Exception):
    """A file that cannot be imported, with where and why."""

    def __init__(self, file: str, line: int | None, field: str | None, reason: str):
        self.file = file
        self.line = line
        self.field = field
        self.reason = reason
        # Set once the kind of file is known (e.g. "amazon:cerebro"), so a failure still says what it was.
        self.kind = ""
        super().__init__(self.message)

    @property
    def message(self) -> str:
        where = [self.file or "<upload>"]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.field:
            where.append(f"field {self.field!r}")
        return f"{', '.join(where)}: {self.reason}"
