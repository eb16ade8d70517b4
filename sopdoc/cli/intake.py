"""Commands about what comes in: `init`, `process`, `check`, `alias`, `plugins`, `demo`."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from sopdoc import plugins
from sopdoc.app import Season, check_file
from sopdoc.cli.options import EXIT_ERROR, EXIT_REFUSED, region_key, workspace_option
from sopdoc.errors import SopdocError, StoreMissing
from sopdoc.outputs.safe_text import for_terminal


@click.command()
@click.argument("workspace", type=click.Path(file_okay=False, path_type=Path))
@click.option("--region", required=True, callback=region_key,
              help="Region key: banten, bontang, sidoarjo, bengkulu, tanjungbalai.")
def init(workspace, region):
    """Create a workspace for REGION in WORKSPACE.

    Example: sopdoc init "D:\\Evaluasi SOP 2025" --region banten
    """
    season = Season.create(workspace, region)
    root = season.ws.root
    click.echo(f"Ruang kerja {season.region.name} siap di {root}")
    for period in season.region.periods:
        click.echo(f"  periode {period.id}: {period.name}")
    if season.lacks_current_period():
        year = season.clock().year
        click.echo(f"Perhatian: belum ada periode evaluasi tahun {year}. Tambahkan di "
                   f"{root / 'periods.toml'} (tanggal buka, batas waktu, jadwal pertemuan).")
    click.echo(f"Letakkan formulir dari perangkat daerah di {season.ws.inbox}, lalu jalankan: "
               f"sopdoc process -w \"{root}\"")


@click.command()
@workspace_option
@click.option("--received-from", type=click.Choice(["now", "mtime"]), default="now", show_default=True,
              help="Arrival time: when sopdoc first saw the file, or the file's modification time.")
def process(workspace, received_from):
    """Process every file waiting in inbox/ once.

    Exit code 0 when every file was accepted, 1 when any was refused, 2 on an operational error.
    """
    season = Season.open(workspace)
    with _ProgressBar() as progress:
        result = season.run_batch(progress=progress, received_from=received_from)
    for file, code in result.matched:
        click.echo(for_terminal(f"Alias diterapkan: {file} dihitung untuk kode {code}."))
    if result.recap_error:
        click.echo(f"Rekap tidak dapat diperbarui: {for_terminal(result.recap_error)}")
    ws = season.ws
    folders = sorted(p.name for p in ws.inbox.iterdir() if p.is_dir() and not p.is_symlink())
    for name, kind in result.left_alone:
        click.echo(for_terminal(f"Catatan: {name} di inbox bukan berkas biasa ({kind}); dibiarkan, tidak diproses."))
    if folders:
        click.echo(f"Catatan: subfolder di inbox tidak diproses ({for_terminal(', '.join(folders))}); "
                   "pindahkan berkasnya langsung ke inbox.")
    counts = result.counts
    if not result.outcomes:
        click.echo("Tidak ada berkas baru di inbox.")
        return
    click.echo(
        f"Selesai: {len(result.outcomes)} berkas — {counts['accepted']} diterima, {counts['refused']} ditolak, "
        f"{counts['duplicate']} duplikat"
        + (f", {counts['waiting']} menunggu periode" if counts["waiting"] else "")
        + (f", {counts['deferred']} ditunda." if counts["deferred"] else ".")
    )
    for outcome in result.outcomes:
        click.echo(f"  {outcome.summary()}")
    if counts["refused"]:
        click.echo(f"Alasan penolakan ada di {ws.rejected} (berkas *.alasan.txt).")
    if counts["waiting"]:
        click.echo(f"Berkas yang menunggu periode tetap di inbox dengan waktu terimanya. Tambahkan periodenya di "
                   f"{ws.root / 'periods.toml'}, lalu jalankan process lagi.")
    if counts["deferred"]:
        click.echo("Berkas yang ditunda tetap di inbox; jalankan process lagi nanti.")
        sys.exit(EXIT_ERROR)
    if counts["refused"]:
        sys.exit(EXIT_REFUSED)


class _ProgressBar:
    """A progress bar on standard error while a batch runs, only on a terminal and for more than one file."""

    def __init__(self):
        self.bar = None

    def __enter__(self):
        return self.update

    def update(self, outcome, done, total):
        if self.bar is None and total > 1 and sys.stderr.isatty():
            self.bar = click.progressbar(length=total, label="Memproses", file=sys.stderr)
            self.bar.__enter__()
        if self.bar is not None:
            self.bar.update(1)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.__exit__(*exc)


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--region", default=None, callback=region_key,
              help="Region key; default: the workspace's region, else any.")
@click.option("--json", "as_json", is_flag=True, help="Print the canonical object (or the refusal) as JSON.")
@workspace_option
def check(file, region, as_json, workspace):
    """Read one FILE without storing it and show what sopdoc makes of it.

    Exit code 0 when it would be accepted, 1 when it would be refused.
    """
    season = None
    if region is None:
        try:
            season = Season.open(workspace)
        except StoreMissing:
            raise
        except SopdocError:
            season = None  # no workspace here: any region's parser may claim the file
    result = check_file(file, region_key=region, season=season)
    if as_json:
        text = json.dumps(result.as_json(), ensure_ascii=False, indent=None if result.refusal else 2)
        click.echo(for_terminal(text, lines=True))
    elif result.refusal:
        click.echo(for_terminal(f"DITOLAK ({result.refusal.code}): {result.refusal.reason}"))
    else:
        _describe(result.document)
    if result.refusal:
        sys.exit(EXIT_REFUSED)


def _describe(document):
    agency = document["agency"]
    click.echo(for_terminal(f"Perangkat daerah : {agency['name'] or '?'} ({agency['code'] or 'tidak dikenal'}) — "
                            f"tertulis {agency['as_written']!r}"))
    click.echo(f"Tanggal pengisian: {document['filled_on'] or '?'}")
    signer = document["signatory"]
    click.echo(for_terminal(f"Penandatangan    : {signer['name'] or '?'}, NIP {signer['nip'] or '?'}"))
    click.echo(f"Pengurai         : {document['source']['parser']} {document['source']['parser_version']}")
    click.echo(f"Jumlah SOP       : {len(document['sops'])}")
    full = sum(1 for s in document["sops"] if s["criteria"] and all(v is True for v in s["criteria"].values()))
    click.echo(f"Memenuhi 7 kriteria: {full}")
    for w in document["warnings"]:
        where = f" ({w['where']})" if w["where"] else ""
        click.echo(for_terminal(f"  PERINGATAN [{w['code']}] {w['message']}{where}"))


@click.command()
@click.argument("name")
@click.argument("code")
@workspace_option
def alias(name, code, workspace):
    """Count forms whose agency is written NAME for the register agency CODE.

    The alias is added to [aliases] in sopdoc.toml and applies at once to the forms already stored.

    Example: sopdoc alias "Dinas Kesehtan" 36.01
    """
    season = Season.open(workspace)
    matched = season.add_alias(name, code)
    agency = season.register.by_code[code]
    click.echo(for_terminal(f"Alias {name!r} = {code} ({agency.name}) dicatat di sopdoc.toml."))
    for file, _ in matched:
        click.echo(for_terminal(f"  {file} kini dihitung untuk {agency.name}."))


@click.command(name="plugins")
def list_plugins():
    """List the parser plugins that are loaded, and which of them write blank forms (sopdoc forms)."""
    pm = plugins.get_manager()
    blanks = plugins.blank_parsers(pm)
    for info, module, dist in plugins.parser_infos(pm):
        source = f"paket {dist}" if dist else "bawaan"
        offers = "formulir kosong" if info.name in blanks else "tanpa formulir kosong"
        click.echo(f"{info.name:<14} {info.version:<6} daerah={info.region:<13} {','.join(info.kinds):<5} "
                   f"{offers:<21} {module} ({source})")


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=Path("demo"))
def demo(directory):
    """Make a demo workspace in DIRECTORY (default ./demo) with a season of forms and run the whole cycle."""
    from sopdoc.cli.status import status_lines
    from sopdoc.demo.season import run_demo, where_to_look

    root, report = run_demo(directory, echo=click.echo)
    click.echo("")
    for line in status_lines(report) + [""] + where_to_look(root):
        click.echo(line)
