# The browser fixture of tests/browser, for the browser tests of this area.
from tests.browser.conftest import browser_page  # noqa: F401
