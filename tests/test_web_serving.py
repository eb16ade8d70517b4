"""How the portal serves requests: the workspace opened once per app (again after an edit), one
read-only store per page view, blocking work kept off the event loop, the recap refresh put off
as the watcher's, and every refusal in Indonesian, even for malformed requests (TestClient)."""
import io
import re
import threading
import time

import openpyxl
import pytest
from starlette.requests import Request

from sopdoc.app import Season
from sopdoc.demo import formgen as fg
from sopdoc.intake.store import Store
from sopdoc.outputs.recap import recap_path
from sopdoc.web.receiving import declared_length
from webportal import agency_links, client, upload

STAFF, PASSWORD = "rina", "kata-sandi-uji-1"
PERIOD = "banten-2025-tahap-2"
FORM = "application/x-www-form-urlencoded"
HEALTH = "36.09"  # Dinas Kesehatan
BIRO = ("36.01", "Biro Pemerintahan dan Kesejahteraan Rakyat")
ENGLISH = ("Bad Request", "Missing", "boundary", "Traceback", "Too many", "Not Found", "Method Not Allowed",
           "Internal Server Error")


@pytest.fixture
def http(banten_ws, run):
    assert run("users", "add", STAFF, "--password-stdin", "-w", banten_ws.root, input=PASSWORD + "\n").exit_code == 0
    with client(banten_ws) as c:
        yield c


def log_in(http):
    token = csrf_of(http.get("/masuk").text)
    assert http.post("/masuk", data={"csrf": token, "nama": STAFF, "sandi": PASSWORD},
                     follow_redirects=False).status_code == 303


def csrf_of(page_text: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page_text).group(1)


def form_bytes(tmp_path, name="f.xlsx", **facts) -> bytes:
    return fg.banten(tmp_path / name, fg.Facts(stage="Tahap II", **facts)).read_bytes()


@pytest.fixture
def opened(monkeypatch):
    """What requests open: every store (True when read-only) and every Season.open."""
    seen = {"stores": [], "seasons": 0}
    # counted where a store connects (conftest's own wrapper of Store.__init__ tracks stores by caller)
    connect, connect_readonly, season_open = Store._connect, Store._connect_readonly, Season.open.__func__

    def counting_connect(self):
        seen["stores"].append(False)
        connect(self)

    def counting_connect_readonly(self):
        seen["stores"].append(True)
        connect_readonly(self)

    def counting_open(cls, *args, **kwargs):
        seen["seasons"] += 1
        return season_open(cls, *args, **kwargs)

    monkeypatch.setattr(Store, "_connect", counting_connect)
    monkeypatch.setattr(Store, "_connect_readonly", counting_connect_readonly)
    monkeypatch.setattr(Season, "open", classmethod(counting_open))

    def reset():
        seen["stores"].clear()
        seen["seasons"] = 0
        return seen

    seen["reset"] = reset
    return seen


def test_page_views_open_the_workspace_once_and_the_store_once_read_only(banten_ws, http, tmp_path, opened):
    link = agency_links(banten_ws, PERIOD)[HEALTH]
    number = upload(http, link, form_bytes(tmp_path)).json()["receipt"]["number"]
    log_in(http)
    http.app.state.portal.refresher.stop()  # its background refresh must not count as a page's
    stamp = re.search(r'data-stamp="([^"]+)"', http.get("/", params={"periode": PERIOD}).text).group(1)
    one_store = [link, f"{link}/hasil/{number}", f"/tanda-terima/{number}", f"/verifikasi?nomor={number}",
                 "/", "/panel", f"/panel?stamp={stamp}", f"/opd/{HEALTH}", "/peringatan", "/ditolak",
                 "/tanda-terima", "/tautan", "/keluaran", "/unduh/ekspor?format=csv", "/unduh/rekap"]
    for path in one_store:
        opened["reset"]()
        assert http.get(path).status_code in (200, 204), path
        assert opened["seasons"] == 0, path  # the app's Season, not one per request
        assert opened["stores"] == [True], path  # one store, read-only

    config = banten_ws.root / "sopdoc.toml"  # an edit opens the season again, once
    config.write_text(config.read_text(encoding="utf-8") + '"Dinkes Banten" = "36.09"\n', encoding="utf-8")
    opened["reset"]()
    assert http.get(link).status_code == 200 and http.get("/peringatan").status_code == 200
    assert opened["seasons"] == 1


def test_the_dashboard_poll_opens_the_store_once_and_writes_nothing(banten_ws, http, tmp_path, opened):
    upload(http, agency_links(banten_ws, PERIOD)[HEALTH], form_bytes(tmp_path))
    log_in(http)
    http.app.state.portal.refresher.stop()
    stamp = re.search(r'data-stamp="([^"]+)"', http.get("/", params={"periode": PERIOD}).text).group(1)
    before = banten_ws.store_path.read_bytes()
    for asked, status in ((stamp, 204), ("lama", 200)):
        opened["reset"]()
        assert http.get("/panel", params={"stamp": asked}).status_code == status
        assert opened["stores"] == [True]
    assert banten_ws.store_path.read_bytes() == before


SLOW_ACTIONS = [
    ("GET", "/unduh/rekap", "sopdoc.app.Season.recap"),
    ("GET", "/unduh/ekspor?format=xlsx", "sopdoc.web.staff.write_table"),
    ("GET", "/", "sopdoc.app.Season.status"),
    ("GET", "/ditolak", "sopdoc.intake.store.Store.files"),
    ("POST", "/surat", "sopdoc.app.Season.issue_letters"),
]


@pytest.mark.parametrize("method, path, slow", SLOW_ACTIONS, ids=[p for _, p, _ in SLOW_ACTIONS])
def test_an_upload_is_answered_while_a_slow_staff_action_runs(banten_ws, http, tmp_path, monkeypatch,
                                                              method, path, slow):
    link = agency_links(banten_ws, PERIOD)[HEALTH]
    log_in(http)
    csrf = csrf_of(http.get("/keluaran").text)
    working, upload_answered = threading.Event(), threading.Event()
    module_path, name = slow.rsplit(".", 1)
    owner = _resolve(module_path)
    real = getattr(owner, name)

    def slow_action(*args, **kwargs):  # holds its thread until the upload has been answered
        working.set()
        upload_answered.wait(20)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, slow_action)
    answers = []
    data = {"csrf": csrf, "jenis": "laporan", "draf": "1", "periode": PERIOD}
    staff = threading.Thread(target=lambda: answers.append(
        http.request(method, path, data=data if method == "POST" else None, follow_redirects=False)))
    staff.start()
    assert working.wait(20)
    started = time.monotonic()
    answer = upload(http, link, form_bytes(tmp_path))
    answered_in = time.monotonic() - started
    upload_answered.set()
    staff.join(30)
    assert answer.status_code == 200 and answer.json()["outcome"] == "accepted"
    assert answered_in < 15  # not after the staff action (it waits up to 20 s for this upload)
    assert answers and answers[0].status_code in (200, 303)


def _resolve(dotted: str):
    """The module or class `dotted` names ("sopdoc.app.Season")."""
    import importlib

    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attribute in parts[cut:]:
            found = getattr(found, attribute)
        return found
    raise ImportError(dotted)


def _status_in_recap(workbook_bytes: bytes, code: str) -> str:
    sheet = openpyxl.load_workbook(io.BytesIO(workbook_bytes))["Ringkasan"]
    header = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "No")
    row = next(row for row in sheet.iter_rows(values_only=True) if row[1] == code)
    return row[header.index("Status")]


def test_uploads_within_a_minute_refresh_the_recap_once_and_the_download_is_fresh(banten_ws, run, tmp_path,
                                                                               monkeypatch):
    assert run("users", "add", STAFF, "--password-stdin", "-w", banten_ws.root, input=PASSWORD + "\n").exit_code == 0
    refreshed = []
    real_refresh = Season.refresh_recaps
    monkeypatch.setattr(Season, "refresh_recaps", lambda self, *a, **k: refreshed.append(1) or real_refresh(self))
    links = agency_links(banten_ws, PERIOD)
    recap = recap_path(banten_ws, PERIOD)
    with client(banten_ws) as http:
        assert upload(http, links[HEALTH], form_bytes(tmp_path)).json()["outcome"] == "accepted"
        deadline = time.monotonic() + 30
        while not refreshed and time.monotonic() < deadline:  # the first after a quiet spell: at once
            time.sleep(0.1)
        for i in range(4, 8):  # more within the minute: put off
            assert upload(http, links[HEALTH], form_bytes(tmp_path, f"v{i}.xlsx", sops=fg.default_sops(i))).json()[
                "outcome"] == "accepted"
        biro = upload(http, links[BIRO[0]], form_bytes(tmp_path, "biro.xlsx", agency=BIRO[1])).json()
        assert biro["outcome"] == "accepted"
        time.sleep(1)
        assert len(refreshed) == 1
        assert _status_in_recap(recap.read_bytes(), BIRO[0]) == "Belum Menyampaikan"  # outbox/ not yet
        log_in(http)
        download = http.get("/unduh/rekap", params={"periode": PERIOD})
        assert _status_in_recap(download.content, BIRO[0]) != "Belum Menyampaikan"  # on demand: fresh
    assert len(refreshed) == 2  # the put-off refresh, done as the portal stopped
    assert _status_in_recap(recap.read_bytes(), BIRO[0]) != "Belum Menyampaikan"


# -- refusals, whatever the request ---------------------------------------------------------------


def _indonesian(response, status: int, *phrases):
    assert response.status_code == status, response.text
    assert not any(word in response.text for word in ENGLISH), response.text
    for phrase in phrases:
        assert phrase in response.text


def test_malformed_form_posts_get_indonesian_refusals(banten_ws, http):
    not_a_form = "bukan isian formulir"
    _indonesian(http.post("/masuk", content=b"x", headers={"Content-Type": "multipart/form-data"}), 415, not_a_form)
    _indonesian(http.post("/masuk", content=b"--zz\r\ngarbage\r\n\r\n",
                          headers={"Content-Type": "multipart/form-data; boundary=zz"}), 415, not_a_form)
    _indonesian(http.post("/masuk", content=b"{}", headers={"Content-Type": "application/json"}), 415, not_a_form)
    _indonesian(http.post("/masuk", content=b"nama=\xff\xfe", headers={"Content-Type": FORM}), 400,
                "tidak dapat dibaca")
    log_in(http)
    csrf = csrf_of(http.get("/peringatan").text)
    _indonesian(http.post("/alias", data={"csrf": csrf, "nama": "x" * 70_000, "kode": HEALTH}), 413,
                "terlalu panjang")
    chunked = (part for part in [f"csrf={csrf}&nama=".encode()] + [b"x" * 8192] * 10)  # no Content-Length
    _indonesian(http.post("/alias", content=chunked, headers={"Content-Type": FORM}), 413, "terlalu panjang")
    _indonesian(http.post("/alias", data={f"f{i}": "1" for i in range(50)}), 400, "tidak dapat dibaca")
    _indonesian(http.post("/alias", data={"csrf": csrf}, files={"f": ("a.txt", b"1")}), 415, not_a_form)
    _indonesian(http.post("/alias", data={"csrf": csrf}), 400, "Nama alias kosong")
    _indonesian(http.post("/alias", data={"nama": "x", "kode": HEALTH}), 403, "Formulir kedaluwarsa")
    _indonesian(http.post("/surat", data={"csrf": csrf}), 400, "Jenis surat")
    _indonesian(http.put("/masuk"), 405, "tidak menerima cara permintaan")
    _indonesian(http.get("/berkas/bukan-angka"), 404, "Halaman tidak ditemukan")
    as_json = http.post("/alias", content=b"x", headers={"Content-Type": "text/plain", "Accept": "application/json"})
    assert as_json.status_code == 415
    assert as_json.json()["code"] == "unsupported_media_type" and not_a_form in as_json.json()["message"]


def test_a_form_sent_in_chunks_is_read(banten_ws, http):
    token = csrf_of(http.get("/masuk").text)
    body = f"csrf={token}&nama={STAFF}&sandi={PASSWORD}".encode()
    chunked = (body[i:i + 7] for i in range(0, len(body), 7))  # no Content-Length: as an HTTP/2 proxy may send
    response = http.post("/masuk", content=chunked, headers={"Content-Type": FORM}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/"


def test_malformed_uploads_get_indonesian_refusals(banten_ws, http):
    link = agency_links(banten_ws, PERIOD)[HEALTH]
    _indonesian(http.post(link, content=b"halo", headers={"Content-Type": "text/plain"}), 400, "multipart/form-data")
    broken = {"Content-Type": "multipart/form-data; boundary=zz"}
    _indonesian(http.post(link, content=b"--zz\r\ngarbage", headers=broken), 400)
    _indonesian(http.post("/verifikasi", content=b"--zz\r\n\r\n", headers={"Content-Type": "multipart/form-data"}),
                400)
    _indonesian(http.post(link, data={"lain": "x"}), 400, "multipart/form-data")  # a form, but no file
    assert list(banten_ws.inbox.iterdir()) == []


def test_text_sent_back_in_a_refusal_is_escaped(banten_ws, http):
    log_in(http)
    csrf = csrf_of(http.get("/peringatan").text)
    response = http.post("/alias", data={"csrf": csrf, "nama": "x", "kode": "<script>alert(1)</script>"})
    _indonesian(response, 400, "&lt;script&gt;alert(1)&lt;/script&gt;")
    assert "<script>alert" not in response.text


def test_a_failure_inside_a_page_is_an_indonesian_500_without_a_traceback(banten_ws, run, monkeypatch):
    from starlette.testclient import TestClient

    from sopdoc.web.server import create_app

    def broken(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr("sopdoc.intake.store.Store.receipt", broken)
    http = TestClient(create_app(banten_ws.root), raise_server_exceptions=False)
    response = http.get("/tanda-terima/TT-2025-000001-ABCDEF")
    _indonesian(response, 500, "tidak dapat diselesaikan")
    assert "secret internal detail" not in response.text


@pytest.mark.parametrize("header, expected", [
    (b"1234", 1234), (b"0", 0), (b"", None), (b"-5", None), (b" 12", None), (b"1e3", None),
    ("\u00b2".encode("latin-1"), None),  # a digit to str.isdigit, not to int()
    (b"9" * 4000, None),  # int() of thousands of digits is refused (and slow) in Python
])
def test_a_declared_content_length_is_a_plain_number_or_none(header, expected):
    headers = [(b"content-length", header)] if header else []
    assert declared_length(Request({"type": "http", "headers": headers})) == expected
