"""`sopdoc serve`, `sopdoc links`, `sopdoc users add`: the command-line face of the web portal."""
from __future__ import annotations

import datetime as dt
import json
import sys
import threading

import click

from sopdoc.app import Season
from sopdoc.cli.options import period_option, workspace_option
from sopdoc.errors import SopdocError
from sopdoc.outputs.safe_text import for_terminal

host_option = click.option("--host", default="127.0.0.1", show_default=True,
                           help="Address to listen on. 0.0.0.0 opens the portal to the whole network.")
port_option = click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True)
base_url_option = click.option("--base-url", default=None,
                               help="The address people open, e.g. https://sop.example.go.id "
                                    "(default: http://HOST:PORT). Used in upload links.")


def base_url_of(base_url, host, port) -> str:
    return (base_url or f"http://{host}:{port}").rstrip("/")


@click.command()
@workspace_option
@host_option
@port_option
@base_url_option
@click.option("--no-watch", is_flag=True, help="Do not watch inbox/ (another `sopdoc watch` does).")
@click.option("--polling", is_flag=True, help="Watch inbox/ by polling (network shares); see `sopdoc watch`.")
def serve(workspace, host, port, base_url, no_watch, polling):
    """Run the web portal: agencies upload through their links, staff follow the season.

    inbox/ stays watched as by `sopdoc watch`, so the shared folder keeps working beside the
    portal. Listens on 127.0.0.1 only unless --host says otherwise; see the README for LAN use
    and HTTPS behind a reverse proxy.

    Example: sopdoc serve -w "D:\\Evaluasi SOP 2025" --host 0.0.0.0 --base-url http://10.0.0.5:8080
    """
    from sopdoc.web.server import create_app, run

    ws = Season.open(workspace).ws
    app = create_app(ws.root, base_url=base_url_of(base_url, host, port) if base_url else None)
    watcher = None
    if not no_watch:
        watcher = _BackgroundWatcher(ws, polling)
        watcher.start()
    click.echo(f"Portal sopdoc: {base_url_of(base_url, host, port)}/ (Ctrl-C untuk berhenti)")
    try:
        run(app, host=host, port=port)
    finally:
        if watcher is not None:
            watcher.stop()


class _BackgroundWatcher(threading.Thread):
    """`sopdoc watch` in a thread beside the portal. The Watcher is made inside the thread: the
    store connection it opens belongs to the thread that made it."""

    def __init__(self, ws, polling: bool):
        super().__init__(name="sopdoc-watch", daemon=True)
        self.ws, self.polling = ws, polling
        self.watcher = None

    def run(self) -> None:
        from sopdoc.intake.watcher import Watcher

        tz = self.ws.region().tz
        try:
            def log(line):
                click.echo(f"[{dt.datetime.now(tz):%d-%m-%Y %H.%M.%S}] {for_terminal(line)}")

            self.watcher = Watcher(self.ws, polling=self.polling, log=log)
            self.watcher.run()
        except SopdocError as e:
            click.echo(f"Folder inbox tidak dipantau oleh portal ini: {e}", err=True)

    def stop(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()


@click.command()
@workspace_option
@period_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array for scripts.")
@click.option("--rotate", "rotate_code", default=None, metavar="CODE",
              help="Revoke this agency's link and make a new one (a link that leaked).")
@host_option
@port_option
@base_url_option
def links(workspace, period_id, as_json, rotate_code, host, port, base_url):
    """Print every agency's personal upload link for a period, to hand out.

    Example: sopdoc links --base-url http://10.0.0.5:8080 --json
    """
    from sopdoc.intake.store import Store
    from sopdoc.portal import links as upload_links
    from sopdoc.portal.secret import workspace_secret

    ws = Season.open(workspace).ws
    region = ws.region()
    now = dt.datetime.now(region.tz)
    period = upload_links.offered_period(region, period_id, now)
    register = ws.register()
    secret = workspace_secret(ws.root)
    with Store(ws.store_path) as store:
        if rotate_code:
            upload_links.rotate(store, secret, register, period.id, rotate_code.strip(), now)
        found = upload_links.current_links(store, secret, register, period.id, now)
    url = base_url_of(base_url, host, port)
    if as_json:
        click.echo(json.dumps([link.as_dict(url) for link in found], ensure_ascii=False, indent=2))
        return
    click.echo(f"Tautan unggah {period.name} ({period.id}):")
    for link in found:
        mark = "  (baru)" if link.agency_code == (rotate_code or "").strip() else ""
        click.echo(f"{link.agency_code:<10} {link.agency_name}\n           {link.url(url)}{mark}")


@click.group()
def users():
    """Staff users of the web portal."""


@users.command("add")
@workspace_option
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (scripts).")
def users_add(workspace, name, password_stdin):
    """Add a staff user NAME (or give NAME a new password).

    Example: echo "$PASSWORD" | sopdoc users add rina --password-stdin
    """
    from sopdoc.intake.store import Store
    from sopdoc.portal.users import add_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Kata sandi", hide_input=True, confirmation_prompt="Ulangi kata sandi")
    ws = Season.open(workspace).ws
    with Store(ws.store_path) as store:
        add_user(store, name, password, dt.datetime.now(ws.region().tz))
    click.echo(f"Pengguna {name} disimpan.")
