"""Where the suite finds the project and its vendored data, whichever test file asks."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
ARTIFACTS = ROOT / "test-artifacts"
README = ROOT / "README.md"
