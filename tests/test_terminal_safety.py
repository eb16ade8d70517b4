"""Nothing a sender controls (file names, cell text, part names) reaches a terminal raw: every
command that prints it escapes control, bidirectional and undecodable characters."""
import json
import os
import tomllib

import pytest

import excelforms as xf
import hostile
from sopdoc.outputs.safe_text import for_terminal, toml_quoted

RAW = ("\x1b", "\x9b", "\u202e", "\r")


def assert_inert(output: str):
    assert not any(c in output for c in RAW)
    assert "\nSEMUA TEPAT WAKTU" not in output  # never at the start of a line of its own
    output.encode("utf-8")  # no lone surrogates


@pytest.mark.parametrize("text", [hostile.SCREEN_TAKEOVER, "a\udcffb", "tab\there", "\u2028\u2066x"])
def test_for_terminal_escapes_every_steering_character_and_keeps_the_rest(text):
    shown = for_terminal(text)
    assert shown.isprintable()
    assert for_terminal("Dinas Kesehatan – Banten (Rp 1.000)") == "Dinas Kesehatan – Banten (Rp 1.000)"
    assert for_terminal("a\nb", lines=True) == "a\nb"


@pytest.mark.parametrize("text", [hostile.SCREEN_TAKEOVER, 'Dinas "Kes" \\ Banten', "Dinas\tKes", "é"])
def test_toml_quoted_reads_back_as_the_same_text(text):
    line = f"{toml_quoted(text)} = \"36.09\""
    assert line.isprintable()
    assert tomllib.loads(line) == {text: "36.09"}


@pytest.fixture
def hostile_inbox(banten_ws):
    """A form whose agency cell and a refused file whose name take over the terminal."""
    path = xf.banten(banten_ws.inbox / "dinas.xlsx", xf.Facts(agency="Dinas QQQ Sosial"))
    hostile.with_terminal_escapes_in_cells(path, "QQQ")
    os.rename(path, banten_ws.inbox / hostile.terminal_takeover_name())
    (banten_ws.inbox / hostile.terminal_takeover_name(".pdf")).write_bytes(hostile.PDF_MINIMAL)
    (banten_ws.inbox / hostile.non_utf8_name(b"bukan utf8 \x1b[2J\xff", b".xlsx")).write_bytes(b"")
    return banten_ws


def test_process_status_check_and_letters_print_nothing_raw(hostile_inbox, run):
    ws = hostile_inbox
    result = run("process", "-w", ws.root)
    assert result.exit_code == 1, result.output
    assert "DITERIMA" in result.output and "DITOLAK" in result.output
    assert_inert(result.output)
    for rejected in ws.rejected.glob("*.alasan.txt"):
        assert_inert(rejected.read_text(encoding="utf-8"))
    for args in (["status", "--now", "2025-05-20T10:00"], ["status", "--json", "--now", "2025-05-20T10:00"],
                 ["letters", "--kind", "undangan", "--draf", "--now", "2025-05-20T10:00"],
                 ["export"], ["export", "--rejected"], ["export", "--format", "csv"],
                 ["export", "--rejected", "--format", "csv"]):
        result = run(*args, "-w", ws.root)
        assert_inert(result.output)
    exported = json.loads(run("export", "-w", ws.root).output)  # escaped, and still the same JSON
    assert any("\x1b[2J" in d["source"]["file"] for d in exported)
    status = run("status", "--now", "2025-05-20T10:00", "-w", ws.root).output
    assert "\\u001b[2J" in status  # shown, escaped, not hidden
    [archived] = [p for p in ws.archive.rglob("*.xlsx")]
    for args in (["check", archived], ["check", "--json", archived]):
        assert_inert(run(*args, "-w", ws.root).output)


def test_the_alias_hint_is_a_toml_line_that_matches_the_sender(hostile_inbox, run):
    ws = hostile_inbox
    run("process", "-w", ws.root)
    status = run("status", "--now", "2025-05-20T10:00", "-w", ws.root).output
    [hint] = [line for line in status.splitlines() if "[aliases]" in line]
    toml_line = hint.split("mis. ", 1)[1].split(", agar")[0].replace("KODE", "36.28")
    config = ws.root / "sopdoc.toml"
    config.write_text(config.read_text() + f"\n[aliases]\n{toml_line}\n")
    run("process", "-w", ws.root)  # a hand-written alias applies at the next batch
    after = run("status", "--now", "2025-05-20T10:00", "-w", ws.root).output
    assert "[aliases]" not in after


def test_the_watcher_log_prints_nothing_raw(hostile_inbox):
    from sopdoc.intake.watcher import Watcher

    lines = []
    watcher = Watcher(hostile_inbox, settle=0, log=lines.append)
    try:
        watcher.tick(now=0)
        watcher.tick(now=100)
    finally:
        watcher._arrivals.close()
    assert any("DITOLAK" in line for line in lines)
    for line in lines:
        assert_inert(line)
