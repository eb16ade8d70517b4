"""The staff side of the portal: login, sessions, CSRF, dashboard, aliases, downloads (TestClient)."""
import io
import re

import openpyxl
import pytest

from sopdoc.demo import formgen as fg
from webportal import agency_links, client, upload

STAFF, PASSWORD = "rina", "kata-sandi-uji-1"


@pytest.fixture
def http(banten_ws, run):
    result = run("users", "add", STAFF, "--password-stdin", "-w", banten_ws.root, input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    with client(banten_ws) as c:
        yield c


def csrf_of(page_text: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page_text).group(1)


def log_in(http, name=STAFF, password=PASSWORD):
    token = csrf_of(http.get("/masuk").text)
    return http.post("/masuk", data={"csrf": token, "nama": name, "sandi": password, "lanjut": "/"},
                     follow_redirects=False)


def form_bytes(tmp_path, name="f.xlsx", **facts) -> bytes:
    return fg.banten(tmp_path / name, fg.Facts(stage="Tahap II", **facts)).read_bytes()


def test_staff_routes_need_a_session(http):
    response = http.get("/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/masuk")
    assert http.get("/", headers={"Accept": "application/json"}).status_code == 401
    assert http.get("/peringatan", follow_redirects=False).status_code == 303


def test_users_add_reads_the_password_from_stdin(banten_ws, run):
    result = run("users", "add", "budi", "--password-stdin", "-w", banten_ws.root, input="pendek\n")
    assert result.exit_code == 2 and "paling sedikit 8" in result.output
    assert run("users", "add", "budi", "--password-stdin", "-w", banten_ws.root,
               input="cukup-panjang\n").exit_code == 0


def test_login_sets_a_strict_httponly_session(http):
    response = log_in(http)
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    dashboard = http.get("/")
    assert dashboard.status_code == 200 and "diharapkan" in dashboard.text and "Dinas Kesehatan" in dashboard.text
    assert "<svg" in dashboard.text


def test_wrong_password_and_the_login_throttle(http):
    for _ in range(5):
        response = log_in(http, password="salah-sekali")
        assert response.status_code == 400 and "salah" in response.text
    blocked = log_in(http)
    assert blocked.status_code == 429 and "Terlalu banyak percobaan" in blocked.text


def test_a_post_without_the_csrf_token_is_refused(http):
    log_in(http)
    response = http.post("/alias", data={"nama": "x", "kode": "36.09"})
    assert response.status_code == 403 and "Formulir kedaluwarsa" in response.text
    assert http.post("/masuk", data={"nama": STAFF, "sandi": PASSWORD}).status_code == 403


def test_alias_from_the_warnings_queue(banten_ws, http, tmp_path):
    unknown = "Dinkes Provinsi Banten Raya"
    answer = upload(http, agency_links(banten_ws, "banten-2025-tahap-2")["36.09"],
                    form_bytes(tmp_path, agency=unknown)).json()
    assert answer["outcome"] == "accepted" and answer["submission"]["agency"]["code"] is None
    log_in(http)
    queue = http.get("/peringatan")
    assert unknown in queue.text
    response = http.post("/alias", data={"csrf": csrf_of(queue.text), "nama": unknown, "kode": "36.09"},
                         follow_redirects=False)
    assert response.status_code == 303
    assert unknown in (banten_ws.root / "sopdoc.toml").read_text(encoding="utf-8")
    assert "ditambahkan" in http.get("/peringatan").text
    dashboard = http.get("/", headers={"Accept": "application/json"}).json()
    health = next(a for a in dashboard["agencies"] if a["agency_code"] == "36.09")
    assert health["status"] != "belum_menyampaikan"


def test_the_panel_answers_204_until_something_changes(banten_ws, http, tmp_path):
    log_in(http)
    stamp = re.search(r'data-stamp="([^"]+)"', http.get("/").text).group(1)
    assert http.get("/panel", params={"stamp": stamp}).status_code == 204
    upload(http, agency_links(banten_ws, "banten-2025-tahap-2")["36.09"], form_bytes(tmp_path))
    changed = http.get("/panel", params={"stamp": stamp})
    assert changed.status_code == 200 and 'id="panel"' in changed.text


def test_recap_and_export_downloads(banten_ws, http, tmp_path):
    upload(http, agency_links(banten_ws, "banten-2025-tahap-2")["36.09"], form_bytes(tmp_path))
    log_in(http)
    recap = http.get("/unduh/rekap")
    assert recap.status_code == 200 and "attachment" in recap.headers["content-disposition"]
    assert "Ringkasan" in openpyxl.load_workbook(io.BytesIO(recap.content)).sheetnames
    csv_text = http.get("/unduh/ekspor", params={"format": "csv"}).content.decode("utf-8-sig")
    assert csv_text.splitlines()[0].count(";") > 5 and "Dinas Kesehatan" in csv_text
    xlsx = http.get("/unduh/ekspor", params={"format": "xlsx", "versi": "semua"})
    assert openpyxl.load_workbook(io.BytesIO(xlsx.content)).active.max_row > 1


def test_agency_page_refused_page_and_file_download(banten_ws, http, tmp_path):
    good = form_bytes(tmp_path)
    upload(http, agency_links(banten_ws, "banten-2025-tahap-2")["36.09"], good)
    upload(http, agency_links(banten_ws, "banten-2025-tahap-2")["36.09"], b"%PDF-1.4\n", name="scan.xlsx")
    log_in(http)
    page = http.get("/opd/36.09")
    assert page.status_code == 200 and "Versi 1" in page.text
    file_id = re.search(r'href="/berkas/(\d+)"', page.text).group(1)
    assert http.get(f"/berkas/{file_id}").content == good
    refused = http.get("/ditolak")
    assert "scan.xlsx" in refused.text and "bukan_formulir" in refused.text
    assert http.get("/opd/99.99").status_code == 404
    assert http.get("/berkas/9999").status_code == 404


def test_letters_are_issued_and_listed(banten_ws, http):
    log_in(http)
    page = http.get("/keluaran")
    response = http.post("/surat", data={"csrf": csrf_of(page.text), "jenis": "laporan", "draf": "1",
                                         "periode": "banten-2025-tahap-2"}, follow_redirects=False)
    assert response.status_code == 303
    assert "surat laporan dibuat" in http.get("/keluaran").text


def test_a_letter_is_issued_numbered_and_downloaded(banten_ws, http, tmp_path):
    from test_letters import CONFIG

    config = banten_ws.root / "sopdoc.toml"
    config.write_text(config.read_text(encoding="utf-8") + CONFIG, encoding="utf-8")
    upload(http, agency_links(banten_ws, "banten-2025-tahap-2")["36.09"], form_bytes(tmp_path))
    log_in(http)
    page = http.get("/keluaran")
    http.post("/surat", data={"csrf": csrf_of(page.text), "jenis": "laporan", "periode": "banten-2025-tahap-2"})
    listed = http.get("/keluaran").text
    assert "065/001/Biro-Org/" in listed
    letter_id = re.search(r'href="/surat/(\d+)"', listed).group(1)
    docx = http.get(f"/surat/{letter_id}")
    assert docx.status_code == 200 and docx.content.startswith(b"PK")
    assert http.get(f"/surat/{letter_id}", params={"format": "pdf"}).status_code == 404  # none made


def test_links_page_and_rotation(banten_ws, http):
    old = agency_links(banten_ws)["36.09"]
    log_in(http)
    page = http.get("/tautan")
    assert old in page.text
    response = http.post("/tautan/ganti", data={"csrf": csrf_of(page.text), "kode": "36.09",
                                                "periode": "banten-2025-tahap-2"}, follow_redirects=False)
    assert response.status_code == 303
    assert http.get(old).status_code == 404
    assert http.get(agency_links(banten_ws)["36.09"]).status_code == 200


def test_logout_ends_the_session(http):
    log_in(http)
    page = http.get("/")
    http.post("/keluar", data={"csrf": csrf_of(page.text)})
    assert http.get("/", follow_redirects=False).status_code == 303


def test_open_redirects_are_refused(http):
    token = csrf_of(http.get("/masuk").text)
    response = http.post("/masuk", data={"csrf": token, "nama": STAFF, "sandi": PASSWORD,
                                         "lanjut": "//evil.example/"}, follow_redirects=False)
    assert response.headers["location"] == "/"


def test_the_links_page_writes_nothing_and_a_post_makes_the_missing_links(banten_ws, http):
    log_in(http)
    http.get("/")  # the store exists, as it does once a staff member can log in
    before = banten_ws.store_path.read_bytes()
    page = http.get("/tautan", params={"periode": "banten-2025-tahap-2"})
    assert page.status_code == 200 and "belum dibuat" in page.text and "/unggah/" not in page.text
    assert http.get("/tautan", headers={"Accept": "application/json"}).json() == []
    assert banten_ws.store_path.read_bytes() == before
    assert http.post("/tautan/buat", data={"periode": "banten-2025-tahap-2"}).status_code == 403  # no CSRF
    response = http.post("/tautan/buat", data={"csrf": csrf_of(page.text), "periode": "banten-2025-tahap-2"},
                         follow_redirects=False)
    assert response.status_code == 303
    listed = http.get(response.headers["location"])
    expected = agency_links(banten_ws, "banten-2025-tahap-2")  # the same links, none made twice
    assert all(path in listed.text for path in expected.values()) and "belum dibuat" not in listed.text
    assert http.get(expected["36.09"]).status_code == 200


def test_the_receipts_list_newest_first_by_agency_and_by_page(banten_ws, http, tmp_path, monkeypatch):
    from sopdoc.web import staff

    links = agency_links(banten_ws, "banten-2025-tahap-2")
    first = upload(http, links["36.09"], form_bytes(tmp_path)).json()["receipt"]
    refused = upload(http, links["36.09"], b"%PDF-1.4\n", name="<i>scan.xlsx").json()["receipt"]
    biro = form_bytes(tmp_path, "biro.xlsx", agency="Biro Pemerintahan dan Kesejahteraan Rakyat")
    other = upload(http, links["36.01"], biro).json()["receipt"]
    assert http.get("/tanda-terima", follow_redirects=False).status_code == 303  # staff only
    log_in(http)
    page = http.get("/tanda-terima").text
    numbers = re.findall(r'<a href="/tanda-terima/(TT-[^".]+)">', page)
    assert numbers == [other["number"], refused["number"], first["number"]]  # newest first
    assert f'href="/tanda-terima/{first["number"]}.pdf"' in page
    assert first["sha256"][:12] in page and first["sha256"] not in page.replace(f'title="{first["sha256"]}"', "")
    assert "WIB" in page and "Biro Pemerintahan dan Kesejahteraan Rakyat" in page and "Ditolak" in page
    assert "_i_scan.xlsx" in page and "<i>scan" not in page  # the name as cleaned on arrival

    health = http.get("/tanda-terima", params={"opd": "36.09"}).text
    assert re.findall(r'<a href="/tanda-terima/(TT-[^".]+)">', health) == [refused["number"], first["number"]]

    monkeypatch.setattr(staff, "RECEIPTS_PER_PAGE", 2)
    one = http.get("/tanda-terima").text
    assert re.findall(r'<a href="/tanda-terima/(TT-[^".]+)">', one) == [other["number"], refused["number"]]
    assert 'href="/tanda-terima?halaman=2"' in one
    two = http.get("/tanda-terima", params={"halaman": "2"}).text
    assert re.findall(r'<a href="/tanda-terima/(TT-[^".]+)">', two) == [first["number"]]
    assert "Lebih lama" not in two and 'href="/tanda-terima?halaman=1"' in two
    for odd in ("0", "-1", "abc", "99999999999999999999", "\u00b2", "\u0663", "9" * 5000):
        assert http.get("/tanda-terima", params={"halaman": odd, "opd": "<x>"}).status_code == 200
