"""Helpers for the portal's tests: a TestClient over a workspace, and agency links."""
import datetime as dt

from starlette.testclient import TestClient

from sopdoc.intake.store import Store
from sopdoc.portal import links
from sopdoc.portal.secret import workspace_secret
from sopdoc.web.server import create_app


def client(ws) -> TestClient:
    return TestClient(create_app(ws.root), base_url="http://127.0.0.1:8080")


def period_id(ws, when=None):
    region = ws.region()
    return links.offered_period(region, None, when or dt.datetime.now(region.tz)).id


def agency_links(ws, period=None) -> dict:
    """agency code -> upload path ("/unggah/<token>") for the period open now (or `period`)."""
    store = Store(ws.store_path)
    try:
        found = links.current_links(store, workspace_secret(ws.root), ws.register(), period or period_id(ws),
                                    dt.datetime.now(ws.region().tz))
    finally:
        store.close()
    return {link.agency_code: "/unggah/" + link.token for link in found}


def upload(http, path, content: bytes, name="formulir.xlsx", json=True):
    headers = {"Accept": "application/json"} if json else {}
    return http.post(path, files={"berkas": (name, content, "application/octet-stream")}, headers=headers)
