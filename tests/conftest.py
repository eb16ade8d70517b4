import json
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner

from sopdoc.cli import cli
from sopdoc.workspace import init_workspace

SHARED = Path(__file__).resolve().parents[2] / "shared"
SAMPLES = SHARED / "forms" / "samples"


@pytest.fixture
def banten_ws(tmp_path):
    return init_workspace(tmp_path / "ruang kerja banten", "banten")


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
