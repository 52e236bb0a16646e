"""Prints the size of the access matrix at the end of the run."""

import sys


def pytest_terminal_summary(terminalreporter):
    module = sys.modules.get("tests.security.test_access_matrix")
    if module is not None and module.REQUESTS["count"]:
        terminalreporter.write_line(
            f"access matrix: {len(module.ROUTES)} routes and {module.REQUESTS['admin_routes']} "
            f"admin routes, {module.REQUESTS['count']} requests"
        )
