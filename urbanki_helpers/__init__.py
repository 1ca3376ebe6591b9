"""URBAN.KI Lernlabor helper package.

Only the few names every notebook calls are re-exported here; everything else is imported
from its module (``urbanki_helpers.data.tables``, ``urbanki_helpers.evaluation``, ...).
"""

from urbanki_helpers.errors import UrbanKIError
from urbanki_helpers.run.parameters import check_parameters
from urbanki_helpers.run.results import record

__all__ = ["UrbanKIError", "check_parameters", "record"]
__version__ = "0.1.0"
