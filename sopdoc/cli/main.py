"""The command line: a thin layer that turns the library's results and errors into messages
(Indonesian, for bureau staff) and exit codes (0 all accepted, 1 something refused, 2 operational error)."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
from collections import Counter
from pathlib import Path

import click

from sopdoc import __version__
from sopdoc.reading import parsing
from sopdoc import plugins
from sopdoc.errors import Refusal, SopdocError, StoreMissing
from sopdoc.outputs.safe_text import for_terminal
from sopdoc.workspace import init_workspace, open_workspace

EXIT_REFUSED = 1
EXIT_ERROR = 2



class OperationalError(click.ClickException):
    exit_code = EXIT_ERROR


def _open(workspace):
    try:
        return open_workspace(workspace)
    except SopdocError as e:
        raise OperationalError(str(e)) from None


now_option = click.option("--now", "now_text", default=None, hidden=True,
                          help="Pretend it is this ISO 8601 moment (tests and past reports).")


def parse_now(text, ws):
    """The --now moment; without a zone it is read in the workspace region's time zone."""
    if text is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} bukan waktu ISO 8601", param_hint="--now") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=ws.region().tz)


workspace_option = click.option(
    "-w", "--workspace", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Workspace folder (default: $SOPDOC_WORKSPACE, else the current directory).",
)


@click.group()
@click.version_option(__version__, prog_name="sopdoc")
def cli():
    """sopdoc: consolidate SOP evaluation forms sent by regional agencies.

    Typical use: `sopdoc init ws --region banten`, drop forms into ws/inbox, then
    `sopdoc process -w ws`.
    """


@cli.command()
@click.argument("workspace", type=click.Path(file_okay=False, path_type=Path))
@click.option("--region", required=True, callback=lambda ctx, param, value: value.strip().lower(),
              help="Region key: banten, bontang, sidoarjo, bengkulu, tanjungbalai.")
def init(workspace, region):
    """Create a workspace for REGION in WORKSPACE.

    Example: sopdoc init "D:\\Evaluasi SOP 2025" --region banten
    """
    try:
        ws = init_workspace(workspace, region)
    except SopdocError as e:
        raise OperationalError(str(e)) from None
    region = ws.region()
    click.echo(f"Ruang kerja {region.name} siap di {ws.root}")
    for period in region.periods:
        click.echo(f"  periode {period.id}: {period.name}")
    latest = max((p.opens for p in region.periods), default=None)
    today = dt.datetime.now(region.tz).date()
    if latest is None or (today - latest).days > 300:
        click.echo(f"Perhatian: belum ada periode evaluasi tahun {today.year}. Tambahkan di "
                   f"{ws.root / 'periods.toml'} (tanggal buka, batas waktu, jadwal pertemuan).")
    click.echo(f"Letakkan formulir dari perangkat daerah di {ws.inbox}, lalu jalankan: sopdoc process -w \"{ws.root}\"")


@cli.command()
@workspace_option
@click.option("--received-from", type=click.Choice(["now", "mtime"]), default="now", show_default=True,
              help="Arrival time: when sopdoc first saw the file, or the file's modification time.")
def process(workspace, received_from):
    """Process every file waiting in inbox/ once.

    Exit code 0 when every file was accepted, 1 when any was refused, 2 on an operational error.
    """
    ws = _open(workspace)
    try:
        results = _run_batch(ws, received_from)
    except SopdocError as e:
        raise OperationalError(str(e)) from None
    _after_batch(ws)
    folders = sorted(p.name for p in ws.inbox.iterdir() if p.is_dir())
    if folders:
        click.echo(f"Catatan: subfolder di inbox tidak diproses ({for_terminal(', '.join(folders))}); "
                   "pindahkan berkasnya langsung ke inbox.")
    counts = Counter(r.outcome for r in results)
    if not results:
        click.echo("Tidak ada berkas baru di inbox.")
        return
    click.echo(
        f"Selesai: {len(results)} berkas — {counts['accepted']} diterima, {counts['refused']} ditolak, "
        f"{counts['duplicate']} duplikat"
        + (f", {counts['waiting']} menunggu periode" if counts["waiting"] else "")
        + (f", {counts['deferred']} ditunda." if counts["deferred"] else ".")
    )
    for r in results:
        click.echo(f"  {r.summary()}")
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


def _run_batch(ws, received_from):
    """One locked batch, with a progress bar on a terminal (standard error)."""
    from sopdoc.intake.batch import process_inbox

    bar = None

    def progress(outcome, done, total):
        nonlocal bar
        if bar is None and total > 1 and sys.stderr.isatty():
            bar = click.progressbar(length=total, label="Memproses", file=sys.stderr)
            bar.__enter__()
        if bar is not None:
            bar.update(1)

    try:
        return process_inbox(ws, received_from=received_from, progress=progress)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


def _after_batch(ws):
    """Refresh what depends on the data (the recap, where it exists)."""
    from sopdoc.intake.batch import refresh_outputs

    refresh_outputs(ws)


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--region", default=None, callback=lambda ctx, param, value: value.strip().lower() if value else value,
              help="Region key; default: the workspace's region, else any.")
@click.option("--json", "as_json", is_flag=True, help="Print the canonical object (or the refusal) as JSON.")
@workspace_option
def check(file, region, as_json, workspace):
    """Read one FILE without storing it and show what sopdoc makes of it.

    Exit code 0 when it would be accepted, 1 when it would be refused.
    """
    from sopdoc.rules.agencies import Register, load_register
    from sopdoc.intake.batch import build_document
    from sopdoc.workspace import bundled_regions

    ws = None
    if region is None:
        try:
            ws = open_workspace(workspace)
            region = ws.region_key
        except StoreMissing as e:
            raise OperationalError(str(e)) from None
        except SopdocError:
            ws = None
    regions = ws.regions() if ws else bundled_regions()
    if region is not None and region not in regions:
        raise OperationalError(f"Daerah {region!r} tidak dikenal. Pilihan: {', '.join(sorted(regions))}")
    try:
        register = ws.register() if ws else (
            Register(load_register(region), regions[region].name) if region else None)
        reading = parsing.read_file(file, region_key=region, register=register)
        if register is None:  # no region given: match against the region of the parser that read it
            info_region = regions[reading.parser.region]
            register = Register(load_register(reading.parser.region), info_region.name)
            reading.agency, reading.agency_warnings = register.match(
                reading.form.agency_as_written, reading.form.agency_where)
        document = build_document(
            reading, region=regions[region or reading.parser.region], name=file.name,
            sha256=parsing.sha256_of(file), received_at=None,
            calendar=ws.calendar() if ws else None, version=None,
        )
    except Refusal as refusal:
        if as_json:
            click.echo(for_terminal(json.dumps({"file": file.name, "sha256": parsing.sha256_of(file), "received_at": None,
                                                "reason_code": refusal.code, "reason": refusal.reason}, ensure_ascii=False)))
        else:
            click.echo(for_terminal(f"DITOLAK ({refusal.code}): {refusal.reason}"))
        sys.exit(EXIT_REFUSED)
    except SopdocError as e:
        raise OperationalError(str(e)) from None
    if as_json:
        click.echo(for_terminal(json.dumps(document, ensure_ascii=False, indent=2), lines=True))
        return
    _describe(document)


def _describe(document):
    agency = document["agency"]
    click.echo(for_terminal(f"Perangkat daerah : {agency['name'] or '?'} ({agency['code'] or 'tidak dikenal'}) — tertulis {agency['as_written']!r}"))
    click.echo(f"Tanggal pengisian: {document['filled_on'] or '?'}")
    signer = document["signatory"]
    click.echo(for_terminal(f"Penandatangan    : {signer['name'] or '?'}, NIP {signer['nip'] or '?'}"))
    click.echo(f"Pengurai         : {document['source']['parser']} {document['source']['parser_version']}")
    click.echo(f"Jumlah SOP       : {len(document['sops'])}")
    full = sum(1 for s in document["sops"] if s["criteria"] and all(v is True for v in s["criteria"].values()))
    click.echo(f"Memenuhi 7 kriteria: {full}")
    for w in document["warnings"]:
        click.echo(for_terminal(f"  PERINGATAN [{w['code']}] {w['message']}" + (f" ({w['where']})" if w["where"] else "")))


@cli.command()
@workspace_option
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "xlsx"]), default="json", show_default=True)
@click.option("--rejected", is_flag=True, help="Export the refused files instead of the submissions.")
@click.option("--all-versions", is_flag=True, help="Every version, not only the latest per agency and period.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of standard output.")
@click.option("--delimiter", default=";", show_default=True, type=click.Choice([";", ",", "\t", "|"]),
              help="CSV field separator. Excel with Indonesian settings expects ';' (',' is the decimal mark).")
def export(workspace, fmt, rejected, all_versions, output, delimiter):
    """Export the stored submissions (or refusals) as JSON, CSV or an Excel workbook.

    Example: sopdoc export --format csv -o rekap.csv
    """
    from sopdoc.intake.store import Store

    ws = _open(workspace)
    try:
        store = Store(ws.store_path)
        records = store.refusals() if rejected else store.submissions(all_versions=all_versions)
        store.close()
    except SopdocError as e:
        raise OperationalError(str(e)) from None
    if fmt == "xlsx":
        from sopdoc.cli.outputs import export_xlsx

        return export_xlsx(records if rejected else _sop_rows(records), output)
    if fmt == "json":
        text = json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    else:
        text = _csv(records if rejected else _sop_rows(records), delimiter)
    if output:
        output.write_text(text, encoding="utf-8-sig" if fmt == "csv" else "utf-8")
        click.echo(f"Ditulis: {output}", err=True)
    else:
        click.echo(text, nl=False)


def _sop_rows(documents):
    from sopdoc.model import CRITERIA

    for d in documents:
        for s in d["sops"]:
            row = {
                "periode": d["period"], "kode_opd": d["agency"]["code"], "nama_opd": d["agency"]["name"],
                "opd_tertulis": d["agency"]["as_written"], "versi": d["source"]["version"],
                "diterima": d["received_at"], "status": (d["timeliness"] or {}).get("status"),
                "hari_kerja_terlambat": (d["timeliness"] or {}).get("working_days_late"),
                "no": s["row"], "nomor_sop": s["number"], "nama_sop": s["title"],
            }
            for key in CRITERIA:
                value = (s["criteria"] or {}).get(key)
                row[key] = {True: "Ya", False: "Tidak"}.get(value, "")
            row.update(penerapan=s["implementation"], catatan=s["notes"], tindak_lanjut=s["follow_up"],
                       berkas=d["source"]["file"])
            yield row


def _csv(rows, delimiter: str = ";") -> str:
    from sopdoc.outputs.safe_text import inert

    rows = list(rows)
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=delimiter)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: inert(v) for k, v in row.items()})
    return out.getvalue()


@cli.command(name="plugins")
def list_plugins():
    """List the parser plugins that are loaded, and which of them write blank forms (sopdoc forms)."""
    pm = plugins.get_manager()
    blanks = plugins.blank_parsers(pm)
    for info, module, dist in plugins.parser_infos(pm):
        source = f"paket {dist}" if dist else "bawaan"
        offers = "formulir kosong" if info.name in blanks else "tanpa formulir kosong"
        click.echo(f"{info.name:<14} {info.version:<6} daerah={info.region:<13} {','.join(info.kinds):<5} "
                   f"{offers:<21} {module} ({source})")


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=Path("demo"))
def demo(directory):
    """Make a demo workspace in DIRECTORY (default ./demo) with a season of forms and run the whole cycle."""
    from sopdoc.cli.status import status_lines
    from sopdoc.demo.season import run_demo, where_to_look

    try:
        root, report = run_demo(directory, echo=click.echo)
    except SopdocError as e:
        raise OperationalError(str(e)) from None
    click.echo("")
    for line in status_lines(report) + [""] + where_to_look(root):
        click.echo(line)


def main():  # pragma: no cover
    cli()
from sopdoc.cli import status as cli_status  # noqa: E402,F401  (registers its commands)
from sopdoc.cli import watch as cli_watch  # noqa: E402,F401  (registers its commands)
from sopdoc.cli import outputs as cli_outputs  # noqa: E402,F401  (registers its commands)
from sopdoc.cli import forms as cli_forms  # noqa: E402,F401  (registers its commands)
from sopdoc.cli import portal as cli_portal  # noqa: E402,F401  (registers its commands)
from sopdoc.cli import season as cli_season  # noqa: E402,F401  (registers its commands)
