"""Admin of the governance app."""

from .bilan import admin as bilan_admin  # noqa: F401  (the annual bilan registers its own admin)
