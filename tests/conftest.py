import json
import sqlite3
import sys
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner

from sopdoc.cli.main import cli
from sopdoc.intake.store import Store
from sopdoc.reading.office import find_soffice
from testdata import open_workspace_for_now

TESTS = Path(__file__).resolve().parent


def pytest_runtest_setup(item):
    """The one LibreOffice check: a test marked `soffice` is skipped where it is not installed."""
    if item.get_closest_marker("soffice") and find_soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")


@pytest.fixture(autouse=True)
def stores_closed(monkeypatch):
    """Every Store a test opens itself is closed by the end of the test (a store left open keeps
    its WAL and locks, and on Windows its files)."""
    opened = []
    real_init = Store.__init__

    def tracking_init(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        caller = sys._getframe(1)
        if Path(caller.f_code.co_filename).parent == TESTS:
            opened.append((self, f"{Path(caller.f_code.co_filename).name}:{caller.f_lineno}"))

    monkeypatch.setattr(Store, "__init__", tracking_init)
    yield
    left_open = [where for store, where in opened if _is_open(store)]
    for store, _ in opened:
        store.close()
    assert left_open == [], f"Store left open, opened at {', '.join(left_open)}"


def _is_open(store) -> bool:
    try:
        store.db.execute("SELECT 1")
        return True
    except sqlite3.ProgrammingError:  # "Cannot operate on a closed database"
        return False


@pytest.fixture
def banten_ws(tmp_path):
    return open_workspace_for_now(tmp_path / "ruang kerja banten", "banten")


@pytest.fixture(autouse=True)
def outside_any_workspace(tmp_path, monkeypatch):
    """Tests run outside a workspace: the repository's top level is itself one."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOPDOC_WORKSPACE", raising=False)


@pytest.fixture
def run():
    """Invoke the CLI in-process: run("process", "-w", ws) -> click Result."""
    runner = CliRunner()

    def invoke(*args, **kwargs):
        return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False, **kwargs)

    return invoke


@pytest.fixture(scope="session")
def schema_validator():
    import jsonschema

    schema = json.loads((resources.files("sopdoc") / "data" / "submission.schema.json").read_text())
    return jsonschema.Draft202012Validator(schema)


# --- the differential test: both readers, every file a test reads -------------------------------

_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


def _reading_or_refusal(read, path, kwargs):
    from sopdoc.errors import Refusal

    try:
        reading = read(path, **kwargs)
    except Refusal as refusal:
        return refusal, ("refused", refusal.code, refusal.reason)
    return reading, ("read", reading.parser.name, reading.form, reading.agency, reading.agency_warnings)


@pytest.fixture(autouse=True)
def both_readers_agree(request, monkeypatch):
    """Every file a test reads with the direct reader (the default) is read with openpyxl /
    python-docx too, and both must give the same parsed form, or the same refusal. Legacy files
    are converted once only (LibreOffice is slow); `@pytest.mark.one_reader` opts a test out."""
    if request.node.get_closest_marker("one_reader"):
        return
    from sopdoc.reading import parsing

    read = parsing.read_file

    def refereed(path, **kwargs):
        if kwargs.get("reader", "direct") != "direct" or _is_legacy(path):
            return read(path, **kwargs)
        direct, direct_facts = _reading_or_refusal(read, path, kwargs)
        _, office_facts = _reading_or_refusal(read, path, {**kwargs, "reader": "office"})
        assert direct_facts == office_facts, f"the direct reader and the office libraries differ on {path}"
        if isinstance(direct, Exception):
            raise direct
        return direct

    monkeypatch.setattr(parsing, "read_file", refereed)


def _is_legacy(path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(8) == _OLE_MAGIC
    except OSError:
        return False
