"""A trend or keyword file that cannot be imported, with where and why: the core toolkit's one problem type."""

from core.files import FileProblem as ImportProblem

__all__ = ["ImportProblem"]
