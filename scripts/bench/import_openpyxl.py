#!/usr/bin/env python3
"""Employees + contracts spreadsheet import written the way a user would with openpyxl.

The comparison point of the HR import benchmark: it reads the first sheet of an .xlsx
(row 1 = headers), validates every row with the same rules as the Rust import, and stores
the valid rows into SQLite in one transaction.

    python3 import_openpyxl.py FILE.xlsx DB.sqlite

Prints one line of JSON: {"rows": N, "valid": V, "errors": E, "seconds": S}, where N counts
the non-blank data rows, V the rows stored, E the field errors collected (row number as in
the spreadsheet, column header, French message) and S the wall time of read + validate +
store (interpreter start-up and module imports excluded).
"""

import functools
import json
import sqlite3
import sys
import time
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from openpyxl import load_workbook

SCHEMA = """
CREATE TABLE IF NOT EXISTS employees (
    matricule TEXT PRIMARY KEY,
    last_name TEXT NOT NULL,
    first_name TEXT NOT NULL,
    sex TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    nationality TEXT NOT NULL,
    nir TEXT NOT NULL,
    entry_date TEXT NOT NULL,
    establishment TEXT
);
CREATE TABLE IF NOT EXISTS contracts (
    matricule TEXT NOT NULL,
    kind TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT,
    cdd_reason TEXT,
    weekly_hours TEXT NOT NULL,
    agreement TEXT NOT NULL,
    position TEXT NOT NULL,
    qualification TEXT,
    coefficient INTEGER,
    step INTEGER
);
"""


@functools.lru_cache(maxsize=4096)
def normalize(raw):
    """Lower case, accents and everything but ASCII letters and digits removed."""
    decomposed = unicodedata.normalize("NFKD", str(raw).lower())
    return "".join(c for c in decomposed if c.isascii() and c.isalnum())


# Template header (as shown in the template) -> field key, and whether the column must exist.
COLUMNS = [
    ("Matricule", "matricule", True),
    ("Nom", "last_name", True),
    ("Prénom", "first_name", True),
    ("Sexe", "sex", True),
    ("Date de naissance", "birth_date", True),
    ("Nationalité", "nationality", True),
    ("NIR", "nir", True),
    ("Date d’entrée", "entry_date", True),
    ("Établissement (NIC)", "establishment", False),
    ("Type de contrat", "kind", True),
    ("Date de fin", "end_date", False),
    ("Motif du CDD", "cdd_reason", False),
    ("Heures hebdomadaires", "weekly_hours", True),
    ("Convention collective", "agreement", True),
    ("Emploi", "position", True),
    ("Qualification", "qualification", False),
    ("Coefficient", "coefficient", False),
    ("Échelon", "step", False),
]
HEADER_KEYS = {normalize(h): key for h, key, _ in COLUMNS}
LABELS = {key: h for h, key, _ in COLUMNS}

KINDS = {
    "cdi": "CDI",
    "cdd": "CDD",
    "apprentissage": "APPRENTISSAGE",
    "contratdapprentissage": "APPRENTISSAGE",
    "apprenti": "APPRENTISSAGE",
    "contrataide": "CONTRAT_AIDE",
    "aide": "CONTRAT_AIDE",
    "pec": "CONTRAT_AIDE",
    "cui": "CONTRAT_AIDE",
}
AGREEMENTS = {
    "ccn66": "CCN66",
    "66": "CCN66",
    "cc66": "CCN66",
    "ccn51": "CCN51",
    "51": "CCN51",
    "cc51": "CCN51",
    "fehap": "CCN51",
    "autre": "OTHER",
    "other": "OTHER",
    "aucune": "OTHER",
}
NIR_FIRST = frozenset("123478")
DIGITS = frozenset("0123456789")
MAX_HOURS = Decimal(48)
ZERO = Decimal(0)


def text(v):
    """A cell as trimmed text; whole floats lose their `.0` (12345.0 -> "12345")."""
    if v is None:
        return ""
    if isinstance(v, str):
        return v.strip()
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, datetime):
        return v.date().isoformat()
    return str(v).strip()


def is_digits(s):
    return bool(s) and all(c in DIGITS for c in s)


def parse_date(v):
    """(date or None, trimmed text). Accepts date cells, `AAAA-MM-JJ` and `JJ/MM/AAAA`."""
    if isinstance(v, datetime):
        return v.date(), ""
    if isinstance(v, date):
        return v, ""
    s = text(v)
    try:
        if len(s) == 10 and s[4] == "-" and s[7] == "-":
            if is_digits(s[:4] + s[5:7] + s[8:]):
                return date(int(s[:4]), int(s[5:7]), int(s[8:])), s
        else:
            parts = s.split("/")
            if len(parts) == 3 and len(parts[2]) == 4 and all(
                1 <= len(p) <= 2 for p in parts[:2]
            ) and is_digits("".join(parts)):
                return date(int(parts[2]), int(parts[1]), int(parts[0])), s
    except ValueError:
        pass
    return None, s


def parse_nir(raw):
    """(nir, None) or (None, French message). Same rules as `hr::nir::Nir::parse`."""
    s = "".join(c for c in raw if not c.isspace() and c != ".").upper()
    if len(s) != 15:
        return None, "Le NIR comporte 15 caractères (13 + la clé de 2 chiffres)."
    body, key = s[:13], s[13:]
    dept = body[5:7]
    if dept == "2A":
        numeric = body[:5] + "19" + body[7:]
    elif dept == "2B":
        numeric = body[:5] + "18" + body[7:]
    else:
        numeric = body
    if not is_digits(numeric) or not is_digits(key):
        return None, "Le NIR ne contient que des chiffres (et 2A ou 2B pour la Corse)."
    if s[0] not in NIR_FIRST:
        return None, "Le NIR commence par 1 (homme) ou 2 (femme)."
    month = int(s[3:5])
    if not (1 <= month <= 12 or 20 <= month <= 42 or 50 <= month <= 99):
        return None, "Le mois de naissance du NIR (4e et 5e chiffres) est invalide."
    if 97 - int(numeric) % 97 != int(key):
        return None, "Ce NIR n’est pas valide : la clé ne correspond pas."
    return s, None


def parse_int(v, lo, hi):
    """(int or None, trimmed text, ok)."""
    s = text(v)
    if not s:
        return None, s, True
    if s.endswith(".0"):
        s = s[:-2]
    try:
        n = int(s)
    except ValueError:
        return None, s, False
    return (n, s, True) if lo <= n <= hi else (None, s, False)


def main(argv):
    if len(argv) != 3:
        print("usage: python3 import_openpyxl.py FILE.xlsx DB.sqlite", file=sys.stderr)
        return 2
    path, db_path = argv[1], argv[2]
    started = time.perf_counter()

    db = sqlite3.connect(db_path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.executescript(SCHEMA)
    # Matricules already stored count as taken, as in the Rust import.
    taken = {m for (m,) in db.execute("SELECT matricule FROM employees")}

    wb = load_workbook(path, read_only=True, data_only=True)
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None) or ()
    index = {}
    for i, h in enumerate(header):
        if h is not None:
            key = HEADER_KEYS.get(normalize(h))
            if key is not None and key not in index:
                index[key] = i
    missing = [h for h, key, required in COLUMNS if required and key not in index]
    if missing:
        wb.close()
        print("Colonnes manquantes : " + ", ".join(missing), file=sys.stderr)
        return 2
    width = len(header)
    # Positions of every field (None for an absent optional column).
    (
        i_mat, i_last, i_first, i_sex, i_birth, i_nat, i_nir, i_entry, i_nic, i_kind,
        i_end, i_reason, i_hours, i_agr, i_pos, i_qual, i_coef, i_step,
    ) = (index.get(key) for _, key, _ in COLUMNS)

    errors = []
    employees = []
    contracts = []
    seen = set()
    n_rows = 0

    for rownum, row in enumerate(rows, start=2):
        if len(row) < width:
            row = tuple(row) + (None,) * (width - len(row))
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
            continue
        n_rows += 1
        before = len(errors)

        def err(key, msg):
            errors.append((rownum, LABELS[key], msg))

        matricule = text(row[i_mat])
        if not matricule or len(matricule) > 20:
            err("matricule", "Le matricule est obligatoire (20 caractères au plus).")
        elif matricule in taken:
            err("matricule", "Ce matricule est déjà attribué à un autre salarié de l’association.")
        elif matricule in seen:
            err("matricule", f"Le matricule « {matricule} » apparaît plusieurs fois dans le fichier.")
        else:
            seen.add(matricule)

        last_name = text(row[i_last])
        if not last_name:
            err("last_name", "Le nom est obligatoire.")
        first_name = text(row[i_first])
        if not first_name:
            err("first_name", "Le prénom est obligatoire.")

        sex_raw = text(row[i_sex]).upper()
        sex = "F" if sex_raw == "F" else "M" if sex_raw in ("M", "H") else None
        if sex is None:
            err("sex", "Le sexe est F ou M (registre du personnel).")

        birth, raw = parse_date(row[i_birth])
        if birth is None:
            err("birth_date", "La date de naissance est obligatoire." if not raw
                else f"La date de naissance : date « {raw} » invalide (JJ/MM/AAAA).")

        nationality = text(row[i_nat])
        if not nationality:
            err("nationality", "La nationalité est obligatoire (registre du personnel).")

        nir, msg = parse_nir(text(row[i_nir]))
        if nir is None:
            err("nir", msg)
        elif sex is not None and birth is not None:
            if nir[0] not in ("137" if sex == "M" else "248"):
                err("nir", "Le premier chiffre du NIR ne correspond pas au sexe indiqué.")
            if nir[1:3] != f"{birth.year % 100:02d}":
                err("nir", "L’année de naissance du NIR ne correspond pas à la date de naissance.")

        entry, raw = parse_date(row[i_entry])
        if entry is None:
            err("entry_date", "La date d’entrée est obligatoire." if not raw
                else f"La date d’entrée : date « {raw} » invalide (JJ/MM/AAAA).")

        nic = None
        if i_nic is not None:
            v = row[i_nic]
            if isinstance(v, (int, float)) and not isinstance(v, bool) and float(v).is_integer() and 0 <= v <= 99999:
                nic = f"{int(v):05d}"
            else:
                s = text(v)
                if s:
                    if len(s) == 5 and is_digits(s):
                        nic = s
                    else:
                        err("establishment",
                            "L’établissement se désigne par son NIC (5 derniers chiffres du SIRET).")

        kind_raw = text(row[i_kind])
        kind = KINDS.get(normalize(kind_raw)) if kind_raw else None
        if not kind_raw:
            err("kind", "Le type de contrat est obligatoire (CDI, CDD, apprentissage, contrat aidé).")
        elif kind is None:
            err("kind", f"Type de contrat « {kind_raw} » inconnu : CDI, CDD, apprentissage ou contrat aidé.")

        end, raw_end = (None, "") if i_end is None else parse_date(row[i_end])
        if end is None and raw_end:
            err("end_date", f"La date de fin : date « {raw_end} » invalide (JJ/MM/AAAA).")
        reason = text(row[i_reason]) if i_reason is not None else ""
        if kind == "CDD":
            if end is None and not raw_end:
                err("end_date", "Un CDD a une date de fin (ou une durée minimale) : elle est obligatoire.")
            if not reason:
                err("cdd_reason", "Le motif du CDD est obligatoire (remplacement, accroissement temporaire…).")
        if end is not None and entry is not None and end < entry:
            err("end_date", "La date de fin précède la date de début.")

        v = row[i_hours]
        hours_raw = text(v)
        hours = None
        if hours_raw:
            try:
                h = Decimal(hours_raw.replace(",", "."))
                if h.is_finite() and ZERO < h <= MAX_HOURS:
                    hours = format(h.normalize(), "f")
            except InvalidOperation:
                pass
        if hours is None:
            err("weekly_hours", "La durée hebdomadaire est obligatoire (35 pour un temps plein)." if not hours_raw
                else f"Durée hebdomadaire « {hours_raw} » invalide : un nombre d’heures entre 0 et 48.")

        agr_raw = text(row[i_agr])
        agreement = AGREEMENTS.get(normalize(agr_raw)) if agr_raw else None
        if not agr_raw:
            err("agreement", "La convention collective est obligatoire (CCN 66, CCN 51 ou autre).")
        elif agreement is None:
            err("agreement", f"Convention « {agr_raw} » inconnue : CCN 66, CCN 51 ou Autre.")

        position = text(row[i_pos])
        if not position:
            err("position", "L’emploi occupé est obligatoire (registre du personnel).")

        qualification = (text(row[i_qual]) or None) if i_qual is not None else None

        coefficient, raw, ok = (None, "", True) if i_coef is None else parse_int(row[i_coef], 1, 9999)
        if not ok:
            err("coefficient", f"Le coefficient : « {raw} » n’est pas un entier entre 1 et 9999.")
        if agreement == "CCN66" and not raw:
            err("coefficient", "Le coefficient est obligatoire pour un contrat relevant de la CCN 66.")
        step, raw, ok = (None, "", True) if i_step is None else parse_int(row[i_step], 0, 99)
        if not ok:
            err("step", f"L’échelon : « {raw} » n’est pas un entier entre 0 et 99.")

        if len(errors) == before:
            birth_s = birth.isoformat()
            entry_s = entry.isoformat()
            employees.append((matricule, last_name, first_name, sex, birth_s, nationality, nir, entry_s, nic))
            contracts.append((
                matricule, kind, entry_s, end.isoformat() if end is not None else None,
                reason if kind == "CDD" else None, hours, agreement, position, qualification,
                coefficient, step,
            ))
    wb.close()

    db.execute("BEGIN")
    try:
        db.executemany("INSERT INTO employees VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", employees)
        db.executemany("INSERT INTO contracts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", contracts)
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.close()

    seconds = time.perf_counter() - started
    print(json.dumps({"rows": n_rows, "valid": len(employees), "errors": len(errors),
                      "seconds": round(seconds, 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
