"""Admin of the governance app."""

from . import bilan_admin  # noqa: F401  (the annual bilan registers its own admin)
