"""A workspace: the folder a bureau works in, with its configuration, inbox and store."""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Optional

from sopdoc import tomlfile
from sopdoc.rules import deadlines
from sopdoc.rules.agencies import Register, load_register
from sopdoc.errors import WorkspaceError
from sopdoc.reading.sniff import Limits

CONFIG_NAME = "sopdoc.toml"
STORE_NAME = "sopdoc.db"
JOURNAL_NAME = "sopdoc.journal"
FOLDERS = ("inbox", "outbox", "archive", "rejected")

CONFIG_TEMPLATE = """\
# sopdoc workspace configuration. Edit freely; see README.md for every setting.
region = "{region}"

# Where files are read from and written to, relative to this folder.
[folders]
inbox = "inbox"
outbox = "outbox"
archive = "archive"
rejected = "rejected"

[limits]
# Files larger than this are refused (terlalu_besar).
max_file_mb = 50

[calendar]
# Extra days off on top of national holidays and cuti bersama, e.g. a regional holiday.
extra_days_off = []

# Official letters (sopdoc letters). Until every line below is filled in, sopdoc letters issues no
# numbered letter: it refuses, and only `sopdoc letters --draf` makes drafts, numbered DRAF and not
# recorded, with [placeholders] where a value is missing. Remove the leading "# " of each line and
# put in your own values.
# [letters]
# signer_name = "Nama Lengkap, S.STP., M.Si."
# signer_nip = "197001011990031001"
# signer_position = "Kepala Biro Organisasi dan Reformasi Birokrasi"
# signer_rank = "Pembina Tingkat I (IV/b)"          # optional
# letterhead = ["PEMERINTAH PROVINSI ...", "SEKRETARIAT DAERAH"]
# letterhead_address = ["Jalan ... Nomor ..., Kota ... Kode Pos ...", "Telepon ... Laman ... Pos-el ..."]
# report_to = "Sekretaris Daerah Provinsi ..."     # addressee of the laporan (nota dinas)
# tembusan = ["Sekretaris Daerah Provinsi ..."]
# number_pattern = "065/{{seq:03d}}/Biro-Org/{{year}}"  # also {{month}}, {{month_roman}}
# days_to_resend = 5                                # teguran: working days from today to send by
# meeting_time = "09.00 WIB s.d. selesai"           # undangan: the meeting's time

# Blank forms (sopdoc forms --surat): the shared folder agencies put their filled-in forms in, named in
# each cover letter. Not needed when the letters give the portal's upload links (--portal).
# [forms]
# return_folder = '\\\\server\\Evaluasi SOP\\inbox'

# Names agencies write that the register does not know, mapped to a register code, e.g.
# "Dinas Kesehtan" = "{example_code}"
[aliases]
"""


@dataclass
class Workspace:
    root: Path
    region_key: str
    config: dict = field(default_factory=dict)
    # periods.toml and agencies.csv as read the first time they are asked for: a workspace lives
    # for one command (or one watcher batch), which sees one version of each
    _read: dict = field(default_factory=dict, repr=False, compare=False)

    def folder(self, name: str) -> Path:
        return self.root / self.config.get("folders", {}).get(name, name)

    @property
    def inbox(self) -> Path:
        return self.folder("inbox")

    @property
    def outbox(self) -> Path:
        return self.folder("outbox")

    @property
    def archive(self) -> Path:
        return self.folder("archive")

    @property
    def rejected(self) -> Path:
        return self.folder("rejected")

    @property
    def store_path(self) -> Path:
        return self.root / STORE_NAME

    @property
    def journal_path(self) -> Path:
        return self.root / JOURNAL_NAME

    @property
    def lock_path(self) -> Path:
        return self.root / ".sopdoc.lock"

    def regions(self) -> dict:
        """The regions of the workspace's periods.toml (else the bundled ones); read once."""
        if "regions" not in self._read:
            local = self.root / "periods.toml"
            self._read["regions"] = deadlines.load_regions(local if local.exists() else None)
        return self._read["regions"]

    def region(self) -> deadlines.Region:
        regions = self.regions()
        if self.region_key not in regions:
            raise WorkspaceError(f"Daerah {self.region_key!r} tidak ada di periods.toml")
        return regions[self.region_key]

    def register(self) -> Register:
        """The agency register (agencies.csv and the [aliases] of sopdoc.toml); read once."""
        if "register" not in self._read:
            local = self.root / "agencies.csv"
            agencies = load_register(self.region_key, local if local.exists() else None)
            self._read["register"] = Register(agencies, self.region().name, self.aliases())
        return self._read["register"]

    def aliases(self) -> dict:
        """The [aliases] of sopdoc.toml: name as written -> agency code."""
        return {str(k): str(v) for k, v in self.config.get("aliases", {}).items()}

    def calendar(self) -> deadlines.WorkingCalendar:
        """Working days: national holidays, cuti bersama and [calendar] extra_days_off; read once."""
        if "calendar" not in self._read:
            days = self.config.get("calendar", {}).get("extra_days_off", [])
            self._read["calendar"] = deadlines.WorkingCalendar(deadlines.parse_extra_days_off(days))
        return self._read["calendar"]

    def limits(self) -> Limits:
        mb = self.config.get("limits", {}).get("max_file_mb", 50)
        if isinstance(mb, bool) or not isinstance(mb, (int, float)) or mb <= 0:
            raise WorkspaceError(f"sopdoc.toml: [limits] max_file_mb harus angka positif, bukan {mb!r}")
        return Limits(max_file_bytes=int(mb * 1024 * 1024))


def default_root() -> Path:
    """`$SOPDOC_WORKSPACE`, else the current directory."""
    return Path(os.environ.get("SOPDOC_WORKSPACE") or os.getcwd())


def bundled_regions() -> dict:
    return deadlines.load_regions()


def open_workspace(root: Optional[Path] = None) -> Workspace:
    """The workspace at `root` (default: `default_root()`), its configuration read and checked.
    (`sopdoc.app.Season.open` also refuses one whose store is lost.)"""
    root = Path(root) if root else default_root()
    config_path = root / CONFIG_NAME
    if not config_path.is_file():
        inside = enclosing_workspace(root)
        if inside is not None:
            owner, folder = inside
            raise WorkspaceError(
                f"{root} adalah folder {folder} milik ruang kerja {owner}, bukan ruang kerja sendiri. "
                f"Jalankan perintah dari {owner}, atau dengan -w \"{owner}\""
            )
        raise WorkspaceError(
            f"{root} bukan ruang kerja sopdoc (tidak ada {CONFIG_NAME}). "
            f"Buat dengan: sopdoc init {root} --region NAMA_DAERAH"
        )
    try:
        text = config_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise WorkspaceError(f"{config_path} tidak dapat dibaca: {e}") from None
    config = tomlfile.loads(text, config_path)
    region = config.get("region")
    if not isinstance(region, str) or not region.strip():
        raise WorkspaceError(f"{config_path}: isian region belum diisi")
    region = deadlines.region_key(region)
    workspace = Workspace(root, region, config)
    workspace.region()  # fail early on an unknown region
    return workspace


def enclosing_workspace(path: Path) -> Optional[tuple]:
    """(workspace root, folder name) when `path` is in or under one of the folders of a workspace
    above it (its inbox/, archive/, rejected/ or outbox/), else None."""
    path = Path(os.path.abspath(path))
    for owner in path.parents:
        if not (owner / CONFIG_NAME).is_file():
            continue
        try:
            folders = tomlfile.loads((owner / CONFIG_NAME).read_text(encoding="utf-8"), owner).get("folders", {})
        except (OSError, UnicodeDecodeError, WorkspaceError):
            folders = {}
        for name in FOLDERS:
            folder = Path(os.path.abspath(owner / folders.get(name, name)))
            if path == folder or folder in path.parents:
                return owner, name
    return None


def init_workspace(root: Path, region: str) -> Workspace:
    """Create (or complete) a workspace for `region`; never overwrites what the bureau edited.
    Refused inside another workspace's folders (its inbox/ would take our files as forms)."""
    region = deadlines.region_key(region)
    inside = enclosing_workspace(Path(root))
    if inside is not None:
        owner, folder = inside
        raise WorkspaceError(
            f"{root} berada di dalam folder {folder} ruang kerja {owner}; ruang kerja baru tidak dibuat di sana. "
            "Pilih folder di luar ruang kerja itu"
        )
    regions = bundled_regions()
    if region not in regions:
        known = ", ".join(sorted(regions))
        raise WorkspaceError(f"Daerah {region!r} tidak dikenal. Pilihan: {known}")
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    config_path = root / CONFIG_NAME
    if config_path.exists():
        existing = open_workspace(root)
        if existing.region_key != region:
            raise WorkspaceError(
                f"{root} sudah menjadi ruang kerja daerah {existing.region_key!r}, bukan {region!r}"
            )
    else:
        register = load_register(region)
        # the example maps a misspelling of "Dinas Kesehatan", so it must name that agency's code
        example = next((a.code for a in register if a.name == "Dinas Kesehatan"), register[0].code)
        config_path.write_text(CONFIG_TEMPLATE.format(region=region, example_code=example), encoding="utf-8")
    data = resources.files("sopdoc") / "data"
    copies = {
        root / "periods.toml": data / "periods.toml",
        root / "agencies.csv": data / "agencies" / f"{region}.csv",
    }
    for target, source in copies.items():
        if not target.exists():
            target.write_bytes(source.read_bytes())
    workspace = open_workspace(root)
    for name in FOLDERS:
        workspace.folder(name).mkdir(parents=True, exist_ok=True)
    templates = data / "templates"
    if templates.is_dir():
        (root / "templates").mkdir(exist_ok=True)
        for item in templates.iterdir():
            target = root / "templates" / item.name
            if item.is_file() and not target.exists():
                with resources.as_file(item) as src:
                    shutil.copyfile(src, target)
    return workspace
