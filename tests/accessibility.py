"""axe-core, the accessibility engine, run inside the browser tests' pages.

axe-core comes from npm (``tools/axe``, installed with ``npm ci`` on first use,
never committed) and is added to a browser context as an init script, so it
runs in every page and frame before the page's own scripts and under the
page's strict content security policy. :func:`serious_violations` runs it and
keeps what axe rates serious or critical.

Without Node.js and npm the ``axe_script`` fixture skips the tests that ask
for it, unless ``JOURNEY_REQUIRE_BROWSER=1`` (CI sets it), when it fails them.
"""

from __future__ import annotations

import shutil
import subprocess
from typing import Any

import pytest

from tests.browser import unavailable
from tests.paths import ROOT

__all__ = ["AXE", "axe_script", "serious_violations"]

AXE = ROOT / "tools" / "axe"
_SCRIPT = AXE / "node_modules" / "axe-core" / "axe.min.js"
# The rules axe runs: WCAG 2.1 A and AA, as public-sector websites in England must meet.
_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="session")
def axe_script() -> str:
    """The source of axe-core (``npm ci`` in tools/axe the first time)."""
    if not _SCRIPT.is_file():
        npm = shutil.which("npm")
        if npm is None:
            unavailable("npm is missing: it installs axe-core for the accessibility checks")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--silent"], cwd=AXE,  # noqa: S603
                       check=True, timeout=300)  # fmt: skip
    return _SCRIPT.read_text(encoding="utf-8")


def serious_violations(page: Any) -> list[str]:
    """axe's serious and critical violations on ``page`` (and its frames), one line each.

    The page's context must have had ``axe_script`` added with ``add_init_script``.
    """
    found = page.evaluate(
        """async tags => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return result.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => `${v.impact} ${v.id}: ${v.help} at ` +
                          v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '));
        }""",
        _TAGS,
    )
    return list(found)
