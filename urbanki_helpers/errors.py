"""Exception types of the package.

Every error a user can cause raises a subclass of :class:`UrbanKIError`. The English message
(``str(exc)``) is for the API; ``exc.message_de`` is the German text shown in notebooks and on
the command line. In a Jupyter kernel the error is shown as that short German message instead of
a long traceback from deep inside a library (IPython's ``_render_traceback_`` hook).
"""

from __future__ import annotations


class UrbanKIError(Exception):
    """Base class of all errors a user can act on.

    Parameters
    ----------
    message:
        English message: what was wrong and how to fix it.
    message_de:
        German message for notebooks and the command line; defaults to the English one.
    """

    def __init__(self, message: str, *, message_de: str | None = None):
        super().__init__(message)
        self.message = message
        self.message_de = message_de or message

    def _render_traceback_(self) -> list[str]:
        # Called by IPython instead of printing a full traceback.
        return [f"\x1b[31m{type(self).__name__}\x1b[0m: {self.message_de}"]


class ParameterError(UrbanKIError, ValueError):
    """A notebook parameter is unknown, of the wrong type or has an impossible value."""


class DataError(UrbanKIError, ValueError):
    """Input data is malformed (table, geodata, raster)."""


class TableFormatError(DataError):
    """A CSV or other table could not be read; the message names file, line and column."""


class CRSError(DataError):
    """Geodata has no or an unexpected coordinate reference system."""


class DatasetNotAvailableError(UrbanKIError, FileNotFoundError):
    """A catalogued dataset is neither in the mirror nor in the cache and cannot be downloaded."""


class ChecksumError(DataError):
    """A data file does not have the sha256 recorded in the catalogue."""


class RunError(UrbanKIError, RuntimeError):
    """A notebook run could not be set up (bad usage, output folder in use)."""
