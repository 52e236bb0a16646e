"""Pages of the governance: ``agreements`` (the governance page, the agreement, its action
plan), ``meetings`` and ``statistics``. The bilan's pages are ``governance.bilan.views``."""
