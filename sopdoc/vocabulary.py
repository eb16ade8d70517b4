"""The words of the evaluation, each defined once: the seven criteria, statuses, implementation
and follow-up answers (their keys, the labels sopdoc prints, the ways agencies write them) and
the Indonesian month names. Everything that names one of these imports it from here; plugins get
them from `sopdoc`."""

# The seven criteria of Permenpan RB 35/2012, in their canonical order.
CRITERIA = (
    "mendorong_kinerja",
    "mudah_dipahami",
    "mudah_dilaksanakan",
    "peran_jelas",
    "atasi_masalah",
    "jawab_kebutuhan",
    "sinergi",
)

# As the regulation and the forms word them.
CRITERIA_LABELS = {
    "mendorong_kinerja": "Mampu mendorong peningkatan kinerja",
    "mudah_dipahami": "Mudah dipahami",
    "mudah_dilaksanakan": "Mudah dilaksanakan",
    "peran_jelas": "Semua orang dapat menjalankan perannya masing-masing",
    "atasi_masalah": "Mampu mengatasi permasalahan yang berkaitan dengan proses",
    "jawab_kebutuhan": "Mampu menjawab kebutuhan peningkatan kinerja organisasi",
    "sinergi": "Sinergi satu dengan lainnya",
}

# For column headings, where the long label does not fit.
CRITERIA_SHORT = {
    "mendorong_kinerja": "Mendorong kinerja",
    "mudah_dipahami": "Mudah dipahami",
    "mudah_dilaksanakan": "Mudah dilaksanakan",
    "peran_jelas": "Peran jelas",
    "atasi_masalah": "Atasi masalah",
    "jawab_kebutuhan": "Jawab kebutuhan",
    "sinergi": "Sinergi",
}

YES_NO = {True: "Ya", False: "Tidak"}

# Where an agency stands in a period.
STATUS_LABELS = {
    "tepat_waktu": "Tepat Waktu",
    "terlambat": "Terlambat",
    "belum_menyampaikan": "Belum Menyampaikan",
}
STATUSES = tuple(STATUS_LABELS)

IMPLEMENTATION_LABELS = {"baik": "Baik", "tidak_baik": "Tidak Baik"}
IMPLEMENTATIONS = tuple(IMPLEMENTATION_LABELS)

FOLLOW_UP_LABELS = {"dipertahankan": "Dipertahankan", "direvisi": "Direvisi", "dicabut": "Dicabut"}
FOLLOW_UPS = tuple(FOLLOW_UP_LABELS)

# How agencies write an implementation answer (lower case, as `normalize.choice` compares).
IMPLEMENTATION_WORDS = {
    "baik": "baik",
    "sudah baik": "baik",
    "sangat baik": "baik",
    "baik sekali": "baik",
    "tidak baik": "tidak_baik",
    "tdk baik": "tidak_baik",
    "tidakbaik": "tidak_baik",
    "kurang baik": "tidak_baik",
    "belum baik": "tidak_baik",
    "tidak_baik": "tidak_baik",
    "buruk": "tidak_baik",
}

# How agencies write a follow-up answer.
FOLLOW_UP_WORDS = {
    "dipertahankan": "dipertahankan",
    "pertahankan": "dipertahankan",
    "tetap": "dipertahankan",
    "tetap dipertahankan": "dipertahankan",
    "direvisi": "direvisi",
    "revisi": "direvisi",
    "perlu revisi": "direvisi",
    "perlu direvisi": "direvisi",
    "diperbaiki": "direvisi",
    "di pertahankan": "dipertahankan",
    "tetap berlaku": "dipertahankan",
    "tetap digunakan": "dipertahankan",
    "tetap dilaksanakan": "dipertahankan",
    "di revisi": "direvisi",
    "perlu di revisi": "direvisi",
    "perbaikan": "direvisi",
    "perlu perbaikan": "direvisi",
    "perlu diperbaiki": "direvisi",
    "dicabut": "dicabut",
    "di cabut": "dicabut",
    "cabut": "dicabut",
    "perlu dicabut": "dicabut",
    "dihapus": "dicabut",
    "dihapuskan": "dicabut",
}

MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
          "Oktober", "November", "Desember")

# The civil-service ranks (pangkat) a signature block may carry between the name and the NIP,
# lower case: "Pembina Tingkat I", "Penata Muda Tk. I", each optionally with its grade ("(IV/b)").
RANKS = ("juru muda", "juru", "pengatur muda", "pengatur", "penata muda", "penata", "pembina",
         "pembina utama muda", "pembina utama madya", "pembina utama")
