"""What many test modules share: the sample forms, and workspaces whose periods still take forms
arriving today."""
import re
from pathlib import Path

from sopdoc.workspace import init_workspace, open_workspace

# Copies of ../shared/forms/samples (one clean form per region with its expected facts), so the
# tests run from any clone; `../shared/tools/check-samples` checks the originals.
SAMPLES = Path(__file__).resolve().parent / "samples"


def keep_periods_open(ws):
    """Give every region of `ws`'s periods.toml a late window of a century: tests that process
    forms "now", years after the bundled periods, then file them there (late) instead of leaving
    them waiting for a period of this year. Returns the workspace opened again (a workspace reads
    periods.toml once)."""
    path = ws.root / "periods.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^(capital = .*)$", r"\1\nlate_window_days = 36500", text), encoding="utf-8")
    return open_workspace(ws.root)


def open_workspace_for_now(root, region):
    """A new workspace whose bundled periods still take forms arriving today (see keep_periods_open)."""
    return keep_periods_open(init_workspace(root, region))


# A Banten period of 2026, which the bundled periods.toml does not have: forms filled in May 2026
# wait in inbox/ until it is added.
BANTEN_2026_PERIOD = """
[[regions.banten.periods]]
id = "banten-2026-tahap-1"
name = "Evaluasi Pelaksanaan SOP Tahap I Tahun 2026"
opens = 2026-05-11
closes = 2026-05-15
"""


def add_banten_2026_period(root) -> None:
    """Append BANTEN_2026_PERIOD to the periods.toml of the workspace at `root`."""
    with open(Path(root) / "periods.toml", "a", encoding="utf-8") as f:
        f.write(BANTEN_2026_PERIOD)
