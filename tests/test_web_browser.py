"""The portal as people use it: a real `sopdoc serve` on 127.0.0.1 driven by the system Chromium
through Playwright (never `playwright install`: the browser is Debian's `chromium` package).
Skipped only where Playwright or Chromium is absent.

With SOPDOC_SCREENSHOTS=docs/img the screenshots for the README are written there."""
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import openpyxl
import pytest

from sopdoc.demo import formgen as fg
from testdata import keep_periods_open
from sopdoc.workspace import open_workspace

CHROMIUM = "/usr/bin/chromium"
sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not (os.path.exists(CHROMIUM) or shutil.which("chromium")),
                                reason="chromium is not installed")

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
STAFF, PASSWORD = "rina", "kata-sandi-uji-1"
HEALTH = "36.09"  # Dinas Kesehatan
PERIOD = "banten-2025-tahap-1"  # the demo season's


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _sopdoc(*args, **kwargs):
    return subprocess.run([str(Path(sys.executable).with_name("sopdoc")), *map(str, args)], check=True,
                          capture_output=True, **kwargs)


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    """The demo season (Banten, Tahap I) served by `sopdoc serve`, its inbox watched; its periods
    still take forms arriving today, so what the tests upload lands in that season (late)."""
    root = tmp_path_factory.mktemp("portal") / "ruang kerja"
    _sopdoc("demo", root)
    ws = keep_periods_open(open_workspace(root))
    _sopdoc("users", "add", STAFF, "--password-stdin", "-w", root, input=(PASSWORD + "\n").encode())
    port = _free_port()
    links = json.loads(_sopdoc("links", "-w", root, "--json", "--port", port, "--period", PERIOD).stdout)
    server = subprocess.Popen([str(Path(sys.executable).with_name("sopdoc")), "serve", "-w", str(root),
                               "--port", str(port), "--polling"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if urllib.request.urlopen(base + "/healthz", timeout=2).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("sopdoc serve did not start")
        yield {"ws": ws, "base": base, "links": {row["agency_code"]: row["url"] for row in links}}
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium"),
                                    args=ARGS, headless=True)
        yield browser
        browser.close()


def _shot(page, name, tmp_path, full_page=True):
    folder = Path(os.environ.get("SOPDOC_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=full_page)


def _form(tmp_path, name="formulir dinkes.xlsx", **facts) -> Path:
    return fg.banten(tmp_path / name, fg.Facts(stage="Tahap I", **facts))


@pytest.mark.parametrize("viewport, label", [(DESKTOP, "desktop"), (PHONE, "ponsel")])
def test_agency_uploads_a_good_form_and_gets_a_receipt(portal, browser, tmp_path, viewport, label):
    page = browser.new_page(viewport=viewport)
    page.goto(portal["links"][HEALTH])
    assert page.get_by_role("heading", name="Dinas Kesehatan").is_visible()
    assert "WIB" in page.inner_text("main")
    _shot(page, f"portal-unggah-{label}", tmp_path)
    page.set_input_files("#berkas", str(_form(tmp_path, sops=fg.default_sops(4 if label == "desktop" else 6))))
    page.get_by_role("button", name="Unggah").click()
    page.wait_for_url("**/hasil/**")
    assert page.get_by_role("heading", name="Diterima").is_visible()
    assert "Daftar SOP" in page.inner_text("main")
    _shot(page, f"portal-hasil-{label}", tmp_path)
    page.reload()  # the verdict has its own address: a reload shows it again
    assert page.get_by_role("heading", name="Diterima").is_visible()
    page.get_by_role("link", name="Lihat dan cetak tanda terima").click()
    assert "Tanda terima ini asli" in page.inner_text("main")
    page.close()


def test_agency_uploads_a_bad_file_and_reads_the_reason(portal, browser, tmp_path):
    bad = tmp_path / "hasil scan.xlsx"
    bad.write_bytes(b"%PDF-1.4\n% scanned form\n")
    page = browser.new_page(viewport=PHONE)
    page.goto(portal["links"][HEALTH])
    page.set_input_files("#berkas", str(bad))
    page.get_by_role("button", name="Unggah").click()
    page.wait_for_url("**/hasil/**")
    assert page.get_by_role("heading", name="Ditolak").is_visible()
    assert "bukan_formulir" in page.inner_text("main")
    page.close()


def test_the_upload_works_without_javascript(portal, browser, tmp_path):
    context = browser.new_context(java_script_enabled=False, viewport=DESKTOP)
    page = context.new_page()
    page.goto(portal["links"]["36.01"])
    form = _form(tmp_path, name="tanpa js.xlsx", agency="Biro Pemerintahan dan Kesejahteraan Rakyat")
    page.set_input_files("#berkas", str(form))
    with page.expect_navigation():
        page.get_by_role("button", name="Unggah").click()
    assert page.get_by_role("heading", name="Diterima").is_visible()
    assert "Tanda terima" in page.inner_text("main")
    context.close()


def test_staff_watch_the_dashboard_add_an_alias_and_download_the_recap(portal, browser, tmp_path):
    page = browser.new_page(viewport=DESKTOP)
    page.goto(portal["base"] + "/")
    assert "/masuk" in page.url  # no session: the login page
    page.fill("#nama", STAFF)
    page.fill("#sandi", PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(portal["base"] + "/")
    page.goto(portal["base"] + "/?periode=" + PERIOD)
    panel = page.locator("#panel")
    before = panel.get_attribute("data-stamp")
    _shot(page, "portal-dasbor-desktop", tmp_path, full_page=False)

    # a form whose agency name the register does not know, dropped into the shared folder
    unknown = "Dinas Kesehatan dan KB Prov"
    _form(tmp_path, name="kiriman lewat folder.xlsx", agency=unknown)
    shutil.copy(tmp_path / "kiriman lewat folder.xlsx", portal["ws"].inbox / "kiriman lewat folder.xlsx")
    page.wait_for_function("(before) => document.querySelector('#panel').dataset.stamp !== before", arg=before,
                           timeout=60_000)
    assert "tidak dikenali" in panel.inner_text()

    page.get_by_role("link", name="Peringatan").first.click()
    form = page.locator("form.alias", has_text=unknown)
    form.locator("select").select_option(_other_agency(portal))
    form.get_by_role("button", name="Tetapkan sebagai alias").click()
    assert "ditambahkan" in page.locator(".flash").inner_text()
    assert unknown in (portal["ws"].root / "sopdoc.toml").read_text(encoding="utf-8")

    page.get_by_role("link", name="Rekap & surat").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh rekap (.xlsx)").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.suffix == ".xlsx"
    assert "Ringkasan" in openpyxl.load_workbook(saved).sheetnames

    phone = browser.new_context(viewport=PHONE, storage_state=page.context.storage_state()).new_page()
    phone.goto(portal["base"] + "/?periode=" + PERIOD)
    _shot(phone, "portal-dasbor-ponsel", tmp_path, full_page=False)
    phone.close()
    page.close()


def test_staff_list_the_receipts_and_make_the_missing_links(portal, browser, tmp_path):
    page = browser.new_page(viewport=DESKTOP)
    page.goto(portal["links"]["36.02"])  # an upload of its own, so the list is never empty
    page.set_input_files("#berkas", str(_form(tmp_path, name="biro hukum.xlsx", agency="Biro Hukum")))
    page.get_by_role("button", name="Unggah").click()
    page.wait_for_url("**/hasil/**")
    number = page.get_by_role("link", name="Lihat dan cetak tanda terima").get_attribute("href").rsplit("/", 1)[1]

    page.goto(portal["base"] + "/tanda-terima")
    page.fill("#nama", STAFF)
    page.fill("#sandi", PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(portal["base"] + "/tanda-terima")
    rows = page.locator("table.list tbody tr")
    assert number in rows.first.inner_text() and "WIB" in rows.first.inner_text()  # newest first
    page.select_option("#opd", "36.02")
    page.get_by_role("button", name="Tampilkan").click()
    page.wait_for_url("**opd=36.02**")
    assert all("Biro Hukum" in text for text in rows.all_inner_texts())
    page.select_option("#opd", "")
    page.get_by_role("button", name="Tampilkan").click()
    page.wait_for_url("**opd=**")
    _shot(page, "portal-tanda-terima-desktop", tmp_path)
    page.set_viewport_size(PHONE)
    _shot(page, "portal-tanda-terima-ponsel", tmp_path)
    page.set_viewport_size(DESKTOP)
    page.get_by_role("link", name=number).click()
    assert "Tanda terima ini asli" in page.inner_text("main")

    other_period = "banten-2025-tahap-2"  # `sopdoc links` made only Tahap I's
    page.goto(portal["base"] + "/tautan?periode=" + other_period)
    assert "belum dibuat" in page.inner_text("main")
    page.get_by_role("button", name="Buat tautan yang belum ada").click()
    assert "tautan baru dibuat" in page.locator(".flash").inner_text()
    assert "belum dibuat" not in page.inner_text("main") and "/unggah/" in page.inner_text("main")
    page.close()


def _other_agency(portal) -> str:
    """An agency that has sent nothing yet (the alias makes it received)."""
    return next(code for code in portal["links"] if code != HEALTH and code != "36.01")
