# The headless Chromium fixture of tests/browser, for this area's browser test.
from ..browser.conftest import browser_page  # noqa: F401
