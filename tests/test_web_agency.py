"""The agency side of the portal: links, upload, verdict, receipt and verification (TestClient)."""
import json

import pytest

from testdata import SAMPLES
from sopdoc.intake.store import Store
from sopdoc.intake.upload import safe_upload_name
from webportal import agency_links, client, upload

GOOD = (SAMPLES / "banten-contoh.xlsx").read_bytes()
HEALTH = "36.09"  # Dinas Kesehatan, the agency of the Banten sample


@pytest.fixture
def http(banten_ws):
    with client(banten_ws) as c:
        yield c


def test_healthz(http):
    response = http.get("/healthz")
    assert response.status_code == 200 and response.text == "ok"


def test_links_json_contract(banten_ws, run):
    result = run("links", "-w", banten_ws.root, "--json", "--base-url", "https://sop.example.go.id/")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert len(rows) == len(banten_ws.register().agencies)
    assert set(rows[0]) == {"agency_code", "agency_name", "period", "url"}
    assert all(r["url"].startswith("https://sop.example.go.id/unggah/") for r in rows)
    again = json.loads(run("links", "-w", banten_ws.root, "--json").output)
    assert [r["url"].rsplit("/", 1)[1] for r in again] == [r["url"].rsplit("/", 1)[1] for r in rows]
    assert again[0]["url"].startswith("http://127.0.0.1:8080/unggah/")


def test_only_token_hashes_are_stored(banten_ws):
    token = agency_links(banten_ws)[HEALTH].rsplit("/", 1)[1]
    assert token.encode() not in banten_ws.store_path.read_bytes()


def test_upload_page_shows_the_agency_and_deadline(banten_ws, http):
    page = http.get(agency_links(banten_ws)[HEALTH])
    assert page.status_code == 200
    assert "Dinas Kesehatan" in page.text and "Batas waktu" in page.text
    assert any(zone in page.text for zone in ("WIB", "WITA", "WIT"))


def test_wrong_and_revoked_tokens_are_404(banten_ws, http, run):
    assert http.get("/unggah/" + "A" * 32).status_code == 404
    assert http.get("/unggah/pendek").status_code == 404
    old = agency_links(banten_ws)[HEALTH]
    assert run("links", "-w", banten_ws.root, "--rotate", HEALTH).exit_code == 0
    assert http.get(old).status_code == 404
    assert upload(http, old, GOOD).status_code == 404
    new = agency_links(banten_ws)[HEALTH]
    assert new != old and http.get(new).status_code == 200


def test_good_upload_is_accepted_with_a_receipt(banten_ws, http):
    response = upload(http, agency_links(banten_ws)[HEALTH], GOOD, name="Formulir Dinkes.xlsx")
    assert response.status_code == 200
    answer = response.json()
    assert set(answer) == {"outcome", "reason_code", "reason", "warnings", "submission", "receipt"}
    assert answer["outcome"] == "accepted"
    assert answer["submission"]["agency"]["code"] == HEALTH
    receipt = answer["receipt"]
    assert set(receipt) == {"number", "received_at", "sha256", "agency_code", "period", "signature"}
    assert receipt["agency_code"] == HEALTH and len(receipt["signature"]) == 64
    store = Store(banten_ws.store_path)
    try:
        (record,) = store.files()
    finally:
        store.close()
    assert record["received_at"] == receipt["received_at"] == answer["submission"]["received_at"]
    assert record["sha256"] == receipt["sha256"]
    assert (banten_ws.root / record["stored_as"]).read_bytes() == GOOD
    assert list(banten_ws.inbox.iterdir()) == []


def test_bad_upload_is_refused_with_the_reason(banten_ws, http):
    page = upload(http, agency_links(banten_ws)[HEALTH], b"%PDF-1.4\n", name="scan.xlsx", json=False)
    assert page.status_code == 200
    assert "Ditolak" in page.text and "bukan_formulir" in page.text
    answer = upload(http, agency_links(banten_ws)[HEALTH], b"%PDF-1.4\n", name="scan.xlsx").json()
    assert answer["outcome"] == "refused" and answer["reason_code"] == "bukan_formulir"
    assert answer["submission"] is None and answer["reason"]
    assert (banten_ws.rejected / "scan.xlsx.alasan.txt").exists()


def test_the_same_bytes_twice_are_a_duplicate(banten_ws, http):
    path = agency_links(banten_ws)[HEALTH]
    upload(http, path, GOOD)
    answer = upload(http, path, GOOD).json()
    assert answer["outcome"] == "duplicate"
    assert answer["submission"]["source"]["version"] == 1


def test_upload_over_the_limit_is_413(banten_ws, http):
    config = banten_ws.root / "sopdoc.toml"
    config.write_text(config.read_text().replace("max_file_mb = 50", "max_file_mb = 0.001"))
    response = upload(http, agency_links(banten_ws)[HEALTH], GOOD, json=False)
    assert response.status_code == 413
    assert "melebihi batas ukuran" in response.text
    assert list(banten_ws.inbox.iterdir()) == []


def test_upload_without_a_file_is_a_clear_400(banten_ws, http):
    response = http.post(agency_links(banten_ws)[HEALTH], data={"lain": "x"}, files={"x": ("a", b"1")},
                         headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert "Tidak ada berkas" in response.json()["message"]


def test_file_names_are_never_paths(banten_ws, http):
    answer = upload(http, agency_links(banten_ws)[HEALTH], GOOD, name="../../sopdoc.toml").json()
    assert answer["outcome"] == "accepted"
    assert list((banten_ws.archive).rglob("sopdoc.toml"))
    assert (banten_ws.root / "sopdoc.toml").read_text().startswith("#")


@pytest.mark.parametrize("raw, safe", [
    ("formulir.xlsx", "formulir.xlsx"),
    ("C:\\Users\\rina\\Desktop\\formulir.xlsx", "formulir.xlsx"),
    ("../../etc/passwd", "passwd"),
    ("~$formulir.xlsx", "formulir.xlsx"),
    (".htaccess", "htaccess"),
    ("laporan.tmp", "laporan.tmp.berkas"),
    ("a\x1b[31mb\r\n.xlsx", "a_[31mb__.xlsx"),
    ('<script>"x".docx', "_script__x_.docx"),
    ("", "berkas"),
    ("x" * 300 + ".xlsx", "x" * 115 + ".xlsx"),
])
def test_safe_upload_name(raw, safe):
    assert safe_upload_name(raw) == safe


def test_receipt_page_and_verification(banten_ws, http):
    answer = upload(http, agency_links(banten_ws)[HEALTH], GOOD).json()
    number = answer["receipt"]["number"]
    page = http.get(f"/tanda-terima/{number}")
    assert page.status_code == 200 and "Tanda terima ini asli" in page.text and "WIB" in page.text
    by_number = http.get("/verifikasi", params={"nomor": number}, headers={"Accept": "application/json"}).json()
    assert by_number["found"][0]["genuine"] is True
    by_file = http.post("/verifikasi", files={"berkas": ("x.xlsx", GOOD)}, headers={"Accept": "application/json"})
    assert [r["number"] for r in by_file.json()["found"]] == [number]
    unknown = http.post("/verifikasi", files={"berkas": ("x.xlsx", b"lain")})
    assert "Tidak ada tanda terima" in unknown.text
    assert http.get("/tanda-terima/TT-2025-000001-000000").status_code == 404


def test_a_tampered_receipt_is_not_genuine(banten_ws, http):
    number = upload(http, agency_links(banten_ws)[HEALTH], GOOD).json()["receipt"]["number"]
    store = Store(banten_ws.store_path)
    try:
        store.db.execute("UPDATE receipts SET received_at = '2025-01-01T00:00:00+07:00' WHERE number = ?", (number,))
    finally:
        store.close()
    assert "tidak sah" in http.get(f"/tanda-terima/{number}").text


def test_verdict_page_survives_a_reload(banten_ws, http):
    path = agency_links(banten_ws)[HEALTH]
    number = upload(http, path, GOOD).json()["receipt"]["number"]
    page = http.get(f"{path}/hasil/{number}")
    assert page.status_code == 200 and "Diterima" in page.text and "Daftar SOP" in page.text
    other = agency_links(banten_ws)["36.01"]  # another agency's link never shows this verdict
    assert http.get(f"{other}/hasil/{number}").status_code == 404


def test_security_headers(banten_ws, http):
    response = http.get(agency_links(banten_ws)[HEALTH])
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"


def test_a_post_from_another_site_is_refused(banten_ws, http):
    response = http.post(agency_links(banten_ws)[HEALTH], files={"berkas": ("a.xlsx", GOOD)},
                         headers={"Origin": "http://evil.example"})
    assert response.status_code == 403
    assert list(banten_ws.inbox.iterdir()) == []


def test_unknown_page_is_an_indonesian_404(http):
    response = http.get("/tidak-ada")
    assert response.status_code == 404 and "Halaman tidak ditemukan" in response.text


def test_an_upload_no_period_holds_yet_waits_with_a_receipt(tmp_path):
    from sopdoc.workspace import init_workspace

    ws = init_workspace(tmp_path / "tanpa periode", "banten")  # bundled periods only: none holds today
    with client(ws) as http:
        answer = upload(http, agency_links(ws)[HEALTH], GOOD).json()
    assert answer["outcome"] == "waiting" and answer["reason_code"] == "menunggu_periode"
    assert answer["receipt"]["number"] and answer["submission"] is None
    assert [p.name for p in ws.inbox.iterdir()] == ["formulir.xlsx"]


@pytest.mark.soffice
def test_receipt_as_pdf(banten_ws, http):
    number = upload(http, agency_links(banten_ws)[HEALTH], GOOD).json()["receipt"]["number"]
    pdf = http.get(f"/tanda-terima/{number}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_verdict_of_an_upload_that_waited_follows_it(tmp_path, run):
    from testdata import keep_periods_open
    from sopdoc.workspace import init_workspace

    ws = init_workspace(tmp_path / "tanpa periode", "banten")
    path = agency_links(ws)[HEALTH]
    with client(ws) as http:
        number = upload(http, path, GOOD).json()["receipt"]["number"]
        keep_periods_open(ws)  # the bureau adds the period
        assert run("process", "-w", ws.root).exit_code == 0
        later = http.get(f"{path}/hasil/{number}", headers={"Accept": "application/json"}).json()
    assert later["outcome"] == "accepted" and later["submission"]["agency"]["code"] == HEALTH
    assert later["receipt"]["number"] == number


def test_an_upload_refreshes_the_recap_in_the_background(banten_ws, http):
    import time

    from sopdoc.outputs.recap import recap_path

    answer = upload(http, agency_links(banten_ws)[HEALTH], GOOD).json()
    recap = recap_path(banten_ws, answer["submission"]["period"])
    deadline = time.monotonic() + 60
    while not recap.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert recap.exists()
