"""Bulk onboarding: participants (and cohort enrolments) from a CSV or XLSX file.

A file goes through three steps, each one a function here: ``read_table`` turns the bytes into
headers and rows (whatever the encoding, separator or spreadsheet dates), ``check_rows`` is the
dry run (every row's problems, in batches of queries, nothing written), and ``apply_job`` writes
the valid rows in one transaction: a job adds all of its valid rows or none. People are found
again by their phone (E.164) or by a keyed hash of their identity document, so importing the
same file twice adds nobody the second time.

Docs: docs/onboarding.md (file format, mapping, KoboToolbox and HXL).
"""

import csv
import datetime as dt
import hashlib
import hmac
import io
import logging
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import phonenumbers
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.accounts.audit import audit
from backend.accounts.models import (
    WASHINGTON_GROUP_FIELDS,
    AuditEvent,
    Consent,
    ConsentChannel,
    ConsentNotice,
    Difficulty,
    Education,
    IdDocument,
    ParticipantProfile,
    PopulationGroup,
    Sex,
    User,
)
from backend.accounts.services import check_consent_terms, check_profile_fields, current_notice
from backend.lib.errors import DomainError
from backend.lib.geography import REGIONS

from .models import ImportedPerson, ImportJob, ImportKind, ImportMapping, Membership, Programme
from .models import Role as ProgrammeRole
from .services import invite_participant

log = logging.getLogger(__name__)

MAX_BYTES = settings.IMPULSA_IMPORT_MAX_BYTES
MAX_ROWS = 10_000
BATCH = 500  # rows per query when looking people up or writing them
STALE_AFTER = dt.timedelta(minutes=10)  # a running job silent this long has lost its worker
KEEP_UNFINISHED_FILES = dt.timedelta(days=2)
PROBLEMS_KEPT = 10_000
SKIP = ""


class ImportFileError(DomainError):
    status = 422
    code = "bad_file"


# --- fields ---------------------------------------------------------------------------------

PARTICIPANT_FIELDS: dict[str, Any] = {
    "display_name": gettext_lazy("Name (several columns are joined)"),
    "phone": gettext_lazy("Phone"),
    "id_document_type": gettext_lazy("Identity document type"),
    "id_document_number": gettext_lazy("Identity document number"),
    "sex": gettext_lazy("Sex"),
    "birth": gettext_lazy("Birth date or year"),
    "nationality": gettext_lazy("Nationality"),
    "population_group": gettext_lazy("Population group"),
    "region": gettext_lazy("Region of residence"),
    "education_level": gettext_lazy("Education level"),
    "wg_seeing": gettext_lazy("Difficulty seeing"),
    "wg_hearing": gettext_lazy("Difficulty hearing"),
    "wg_walking": gettext_lazy("Difficulty walking or climbing steps"),
    "wg_cognition": gettext_lazy("Difficulty remembering or concentrating"),
    "wg_selfcare": gettext_lazy("Difficulty with self-care"),
    "wg_communication": gettext_lazy("Difficulty communicating"),
    "id_document_expiry": gettext_lazy("Document expiry"),
    "consent": gettext_lazy("Consent (on paper or verbal)"),
    "consent_date": gettext_lazy("Consent date"),
    "consent_witness": gettext_lazy("Consent witness (staff email or phone)"),
}
ENROLMENT_FIELDS = ("display_name", "phone", "id_document_type", "id_document_number")


def fields_for(kind: str) -> dict[str, Any]:
    if kind == ImportKind.ENROLMENTS:
        return {k: PARTICIPANT_FIELDS[k] for k in ENROLMENT_FIELDS}
    return PARTICIPANT_FIELDS


# What a row's problem says, by code; %(value)s is the cell as written.
PROBLEMS: dict[str, Any] = {
    "phone_invalid": gettext_lazy("“%(value)s” is not a valid phone number."),
    "no_identity": gettext_lazy("Give a phone number or an identity document number."),
    "region_unknown": gettext_lazy("“%(value)s” is not a region of the programme's country."),
    "choice_unknown": gettext_lazy("“%(value)s” is not one of the answers this field accepts."),
    "date_invalid": gettext_lazy("“%(value)s” is not a date (write dd/mm/yyyy)."),
    "date_future": gettext_lazy("“%(value)s” is in the future."),
    "birth_year": gettext_lazy("Enter a birth year between %(a)s and %(b)s."),
    "nationality": gettext_lazy("Use a two-letter country code such as VE, CO or PE."),
    "consent_missing": gettext_lazy(
        "No consent recorded: write “paper” or “verbal” once the person has agreed."
    ),
    "consent_unknown": gettext_lazy("“%(value)s”: write “paper” or “verbal”."),
    "witness_missing": gettext_lazy("Verbal consent needs a staff witness."),
    "witness_unknown": gettext_lazy(
        "“%(value)s” is not a trainer or manager of this programme (give their email or phone)."
    ),
    "formula": gettext_lazy("“%(value)s” looks like a spreadsheet formula, not a name."),
    "too_long": gettext_lazy("This is longer than %(n)s characters."),
    "duplicate_in_file": gettext_lazy("The same person as on line %(line)s of this file."),
    "existing": gettext_lazy("Already a participant of this programme: left as it is."),
    "not_found": gettext_lazy("No participant of this programme has this phone or document."),
    "already_enrolled": gettext_lazy("Already enrolled in this cohort: left as it is."),
    "no_consent": gettext_lazy("This person has no consent on file, so cannot be enrolled."),
    "cohort_full": gettext_lazy("The cohort is full (%(n)s places)."),
}
# Rows with these problems are left alone without being errors: the person is already there.
ALREADY_THERE = frozenset({"existing", "already_enrolled"})


def problem_text(problem: dict[str, Any]) -> str:
    return str(PROBLEMS[problem["code"]]) % problem.get("params", {})


# --- reading the file -----------------------------------------------------------------------


@dataclass
class Table:
    headers: list[str]
    hxl: list[str]  # the HXL hashtag of each column, "" where none (all "" without a row)
    rows: list[tuple[int, list[Any]]]  # (line number in the file, cells)


def read_table(data: bytes, *, max_rows: int = MAX_ROWS) -> Table:
    """Headers and non-empty rows of a CSV (any common encoding and separator) or an XLSX."""
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            _("The file is larger than %(n)s MB.") % {"n": MAX_BYTES // (1024 * 1024)}
        )
    lines = _xlsx_lines(data) if data[:4] == b"PK\x03\x04" else _csv_lines(data)
    header: list[str] | None = None
    hxl: list[str] = []
    rows: list[tuple[int, list[Any]]] = []
    for number, cells in lines:
        cells = [_clean(c) for c in cells]
        if all(c in ("", None) for c in cells):
            continue
        if header is None:
            header = _headers(cells)
            continue
        if not rows and not hxl and _is_hxl(cells):
            hxl = [str(c or "").split()[0].lower() if c else "" for c in cells]
            continue
        if len(rows) >= max_rows:
            raise ImportFileError(
                _("The file has more than %(n)s rows: split it into smaller files.")
                % {"n": max_rows}
            )
        rows.append((number, cells))
    if header is None:
        raise ImportFileError(_("The file is empty."))
    width = len(header)
    hxl = (hxl + [""] * width)[:width]
    return Table(headers=header, hxl=hxl, rows=[(n, (c + [""] * width)[:width]) for n, c in rows])


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in the Windows-1252 superset of Latin-1.
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")


def _csv_lines(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    text = _decode(data)
    if "\x00" in text:
        raise ImportFileError(_("This is not a CSV or XLSX file."))
    sample = text[:8192]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        delimiter = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            yield reader.line_num, row
    except csv.Error as exc:
        raise ImportFileError(_("This CSV file cannot be read: %(e)s") % {"e": exc}) from exc


def _xlsx_lines(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    try:
        # data_only: a formula's last computed value, never the formula itself.
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ImportFileError(_("This is not a CSV or XLSX file.")) from exc
    try:
        sheet = book.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(row)
    finally:
        book.close()


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\u00a0", " ").strip()
    return "" if value is None else value


def _headers(cells: list[Any]) -> list[str]:
    out: list[str] = []
    for i, cell in enumerate(cells, start=1):
        name = str(cell).strip() if cell not in ("", None) else _("Column %(n)s") % {"n": i}
        while name in out:
            name = f"{name} ({i})"
        out.append(name)
    return out


def _is_hxl(cells: list[Any]) -> bool:
    filled = [str(c) for c in cells if c not in ("", None)]
    return bool(filled) and all(c.startswith("#") for c in filled)


# --- suggesting a mapping -------------------------------------------------------------------

# HXL hashtags (with attributes) a profiling survey's export carries, and our fields.
HXL_FIELDS = {
    "#contact+phone": "phone",
    "#contact+name": "display_name",
    "#name": "display_name",
    "#beneficiary+name": "display_name",
    "#affected+name": "display_name",
    "#adm1+code": "region",
    "#adm1+name": "region",
    "#adm1": "region",
    "#sex": "sex",
    "#gender": "sex",
    "#date+birth": "birth",
    "#age+year": "birth",
    "#country+nationality": "nationality",
    "#nationality": "nationality",
    "#population": "population_group",
    "#population+type": "population_group",
    "#meta+id_type": "id_document_type",
    "#meta+id": "id_document_number",
    "#meta+consent": "consent",
    "#date+consent": "consent_date",
}


def _fold(text: Any) -> str:
    """Lower case, no accents, words separated by single spaces."""
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", plain.lower()).strip()


def _column_key(header: str) -> str:
    # Kobo writes a question inside a group as "group_name/question" (or "group-question").
    return _fold(re.split(r"[/:]", header)[-1].replace("_", " "))


# Column names (question names and labels, folded) seen in KoboToolbox forms and hand-made lists.
EXACT_NAMES = {
    _fold(name): key
    for key, names in {
        "display_name": ["nombre", "nombres", "apellido", "apellidos", "nombre completo",
                         "nombres y apellidos", "name", "full name", "first name", "last name",
                         "surname", "nome", "sobrenome"],
        "phone": ["telefono", "celular", "movil", "whatsapp", "numero de telefono",
                  "numero de celular", "phone", "mobile", "telefone", "phone number"],
        "id_document_type": ["tipo de documento", "tipo documento", "document type", "id type"],
        "id_document_number": ["numero de documento", "documento", "cedula", "dni",
                               "document number", "id number", "numero documento",
                               "nro documento"],
        "sex": ["sexo", "sex", "genero", "gender"],
        "birth": ["fecha de nacimiento", "nacimiento", "ano de nacimiento", "birth date",
                  "date of birth", "birth year", "data de nascimento", "fecha nacimiento"],
        "nationality": ["nacionalidad", "nationality", "nacionalidade"],
        "population_group": ["grupo poblacional", "poblacion", "perfil", "population group"],
        "region": ["region", "departamento", "provincia", "estado", "adm1",
                   "region of residence", "region de residencia"],
        "education_level": ["nivel educativo", "educacion", "education", "education level",
                            "escolaridad"],
        "consent": ["consentimiento", "consent", "consentimento", "tipo de consentimiento"],
        "consent_date": ["fecha de consentimiento", "fecha consentimiento", "consent date"],
        "consent_witness": ["testigo", "witness", "testemunha", "testigo del consentimiento"],
    }.items()
    for name in names
}  # fmt: skip


def suggest_mapping(table: Table, *, kind: str, saved: dict[str, str]) -> dict[str, str]:
    """A field for each column: the programme's saved choice, else the HXL tag, else the name."""
    allowed = fields_for(kind)
    out: dict[str, str] = {}
    taken: set[str] = set()
    for header, tag in zip(table.headers, table.hxl, strict=True):
        if header in saved and (saved[header] in allowed or saved[header] == SKIP):
            choice = saved[header]
        else:
            by_tag = HXL_FIELDS.get(tag) or HXL_FIELDS.get(tag.split("+")[0] if tag else "")
            choice = by_tag or EXACT_NAMES.get(_column_key(header), SKIP)
            if choice not in allowed or (choice in taken and choice != "display_name"):
                choice = SKIP
        out[header] = choice
        if choice:
            taken.add(choice)
    return out


def check_mapping(columns: dict[str, str], *, kind: str) -> None:
    allowed = fields_for(kind)
    chosen = [v for v in columns.values() if v]
    if any(v not in allowed for v in chosen):
        raise ImportFileError(_("Choose a field from the list for every column."))
    repeated = {v for v in chosen if chosen.count(v) > 1 and v != "display_name"}
    if repeated:
        names = ", ".join(str(allowed[v]) for v in sorted(repeated))
        raise ImportFileError(_("Each field can come from one column only: %(f)s.") % {"f": names})
    if "phone" not in chosen and "id_document_number" not in chosen:
        raise ImportFileError(_("Choose the column with the phone or the document number."))
    if kind == ImportKind.PARTICIPANTS and "consent" not in chosen:
        raise ImportFileError(_("Choose the column that records each person's consent."))


# --- reading one cell -----------------------------------------------------------------------


class CellError(Exception):
    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a number typed into a spreadsheet cell comes back as 5.0
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


def parse_phone(value: Any, country: str) -> str:
    """E.164 for a number with or without its country code (the programme's is the default)."""
    text = _text(value)
    digits = re.sub(r"[^\d+]", "", text)
    candidates = [digits] if digits.startswith("+") else [digits, f"+{digits}"]
    if digits.startswith("00"):
        candidates.insert(0, f"+{digits[2:]}")
    for candidate in candidates:
        try:
            number = phonenumbers.parse(candidate, country)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    raise CellError("phone_invalid", value=text)


EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_cell_date(value: Any) -> dt.date:
    """A date from a spreadsheet cell: a real date, an Excel serial, dd/mm/yyyy or ISO."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    if re.fullmatch(r"\d{5}(\.\d+)?", text):  # an Excel serial day number (1927 to 2173)
        serial = float(text)
        if 10_000 <= serial <= 100_000:
            return EXCEL_EPOCH + dt.timedelta(days=int(serial))
    text = text.split("T")[0].split(" ")[0]
    patterns = (
        (r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", ("d", "m", "y")),
        (r"(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})", ("y", "m", "d")),
    )
    for pattern, order in patterns:
        match = re.fullmatch(pattern, text)
        if match:
            parts = dict(zip(order, (int(g) for g in match.groups()), strict=True))
            try:
                return dt.date(parts["y"], parts["m"], parts["d"])
            except ValueError:
                break
    raise CellError("date_invalid", value=_text(value))


def _birth_year(value: Any) -> int:
    text = _text(value)
    if re.fullmatch(r"\d{4}", text):
        return int(text)
    return parse_cell_date(value).year


def _choices(options: Iterable[tuple[str, Any]], extra: dict[str, str]) -> dict[str, str]:
    """Every spelling of an answer: its code, its label in each language, common synonyms."""
    lookup: dict[str, str] = {}
    for value, label in options:
        lookup[_fold(value)] = value
        for language in ("es", "en", "pt-br"):
            with translation.override(language):
                lookup.setdefault(_fold(str(label)), value)
    lookup.update({_fold(k): v for k, v in extra.items()})
    return lookup


PREFER = {"prefiero no decir": "prefer_not_to_say", "no responde": "prefer_not_to_say",
          "ns nr": "prefer_not_to_say"}  # fmt: skip
_CHOICE_TABLES: dict[str, tuple[Any, dict[str, str]]] = {
    "sex": (Sex.choices, {**PREFER, "f": "female", "m": "male", "mujer": "female",
                          "hombre": "male", "femenino": "female", "masculino": "male",
                          "otro": "other"}),
    "population_group": (PopulationGroup.choices, {
        **PREFER, "refugiado": "refugee_migrant", "migrante": "refugee_migrant",
        "refugiado o migrante": "refugee_migrant", "venezolano": "refugee_migrant",
        "retornado": "returnee", "comunidad de acogida": "host_community",
        "comunidad receptora": "host_community", "host": "host_community"}),
    "education_level": (Education.choices, {**PREFER, "ninguno": "none", "primaria": "primary",
                                            "secundaria": "secondary", "tecnico": "technical",
                                            "universitario": "university"}),
    "id_document_type": (IdDocument.choices, {**PREFER, "ppt": "co_ppt", "pep": "co_pep",
                                              "cpp": "pe_cpp", "pasaporte": "passport",
                                              "cedula": "national_id", "dni": "national_id",
                                              "ninguno": "none"}),
    "difficulty": (Difficulty.choices, {**PREFER, "no": "no_difficulty",
                                        "ninguna": "no_difficulty",
                                        "sin dificultad": "no_difficulty",
                                        "alguna": "some_difficulty", "mucha": "a_lot_of_difficulty",
                                        "no puede": "cannot_do_at_all"}),
}  # fmt: skip
_CONSENT_WORDS = {
    "paper": ConsentChannel.PAPER, "papel": ConsentChannel.PAPER, "escrito": ConsentChannel.PAPER,
    "firmado": ConsentChannel.PAPER, "on paper": ConsentChannel.PAPER,
    "verbal": ConsentChannel.VERBAL, "oral": ConsentChannel.VERBAL,
    "verbalmente": ConsentChannel.VERBAL,
}  # fmt: skip
_NO = {"", "no", "0", "false", "falso", "nao"}


class _Lookups:
    """The per-file lookup tables, built once (choice spellings follow the active language)."""

    def __init__(self, programme: Programme) -> None:
        self.choices = {
            key: _choices(options, extra) for key, (options, extra) in _CHOICE_TABLES.items()
        }
        regions = REGIONS.get(programme.country, {})
        self.regions: dict[str, str] = {}
        for code, name in regions.items():
            for spelling in (code, code.split("-", 1)[1], name):
                self.regions[_fold(spelling)] = code
        self.country = programme.country

    def choice(self, table: str, value: Any) -> str:
        found = self.choices[table].get(_fold(_text(value)))
        if found is None:
            raise CellError("choice_unknown", value=_text(value))
        return found

    def region(self, value: Any) -> str:
        text = _text(value)
        found = self.regions.get(_fold(text)) or self.regions.get(_fold(text.replace("_", " ")))
        if found is None:
            raise CellError("region_unknown", value=text)
        return found


def document_key(programme: Programme, doc_type: str, number: str) -> str:
    """A keyed hash of a document, the same however the number was spaced or punctuated."""
    plain = re.sub(r"[^0-9A-Z]", "", number.upper())
    message = f"{programme.pk}:{doc_type}:{plain}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


# --- the dry run ----------------------------------------------------------------------------


@dataclass
class Row:
    line: int
    profile: dict[str, Any] = field(default_factory=dict)
    phone: str | None = None
    document: str | None = None  # its keyed hash
    consent: dict[str, Any] = field(default_factory=dict)
    problems: list[dict[str, Any]] = field(default_factory=list)
    user_id: int | None = None  # an account with this phone exists already

    def problem(self, column: str, code: str, **params: Any) -> None:
        self.problems.append({"line": self.line, "field": column, "code": code, "params": params})

    @property
    def uid(self) -> int:
        """The person's user id, once the row has one (an account found or just created)."""
        assert self.user_id is not None
        return self.user_id

    @property
    def valid(self) -> bool:
        return not self.problems


def _parse_row(
    line: int,
    cells: dict[str, list[Any]],
    *,
    programme: Programme,
    kind: str,
    lookups: _Lookups,
    witnesses: dict[str, User],
    today: dt.date,
) -> Row:
    row = Row(line=line)

    def first(key: str) -> Any:
        values = [v for v in cells.get(key, []) if v not in ("", None)]
        return values[0] if values else ""

    name = " ".join(_text(v) for v in cells.get("display_name", []) if v not in ("", None))
    name = re.sub(r"\s+", " ", name)
    if name[:1] in {"=", "+", "-", "@"}:
        row.problem("display_name", "formula", value=name[:40])
    elif len(name) > 120:
        row.problem("display_name", "too_long", n=120)
    elif name:
        row.profile["display_name"] = name
    if first("phone") != "":
        try:
            row.phone = parse_phone(first("phone"), programme.country)
        except CellError as exc:
            row.problem("phone", exc.code, **exc.params)
    doc_type = ""
    if first("id_document_type") != "":
        try:
            doc_type = lookups.choice("id_document_type", first("id_document_type"))
            row.profile["id_document_type"] = doc_type
        except CellError as exc:
            row.problem("id_document_type", exc.code, **exc.params)
    number = _text(first("id_document_number"))
    if number and not row.problems:
        row.document = document_key(programme, doc_type, number)
    if (
        not row.phone
        and not row.document
        and not any(p["field"] in {"phone", "id_document_type"} for p in row.problems)
    ):
        row.problem("phone", "no_identity")
    if kind == ImportKind.PARTICIPANTS:
        _parse_profile(row, first, lookups=lookups, today=today)
        _parse_consent(row, first, programme=programme, witnesses=witnesses, today=today)
    return row


def _parse_profile(row: Row, first: Any, *, lookups: _Lookups, today: dt.date) -> None:
    simple = {"sex": "sex", "population_group": "population_group",
              "education_level": "education_level",
              **{f: "difficulty" for f in WASHINGTON_GROUP_FIELDS}}  # fmt: skip
    for key, table in simple.items():
        if first(key) != "":
            try:
                row.profile[key] = lookups.choice(table, first(key))
            except CellError as exc:
                row.problem(key, exc.code, **exc.params)
    if first("region") != "":
        try:
            row.profile["region"] = lookups.region(first("region"))
            row.profile["country"] = lookups.country
        except CellError as exc:
            row.problem("region", exc.code, **exc.params)
    if first("nationality") != "":
        code = _text(first("nationality")).upper()
        row.profile["nationality"] = {"VENEZOLANA": "VE", "VENEZOLANO": "VE"}.get(code, code)
    if first("birth") != "":
        try:
            row.profile["birth_year"] = _birth_year(first("birth"))
        except CellError as exc:
            row.problem("birth", exc.code, **exc.params)
    if first("id_document_expiry") != "":
        try:
            row.profile["id_document_expiry"] = parse_cell_date(first("id_document_expiry"))
        except CellError as exc:
            row.problem("id_document_expiry", exc.code, **exc.params)
    rules = check_profile_fields(row.profile, ParticipantProfile())
    for key in rules:
        column = "birth" if key == "birth_year" else key
        if key == "birth_year":
            this_year = timezone.now().year
            row.problem(column, "birth_year", a=this_year - 110, b=this_year - 14)
        elif key == "nationality":
            row.problem(column, "nationality")
        else:
            row.problem(column, "region_unknown", value=row.profile.get(key, ""))


def _parse_consent(
    row: Row, first: Any, *, programme: Programme, witnesses: dict[str, User], today: dt.date
) -> None:
    answer = _fold(_text(first("consent")))
    if answer in _NO:
        row.problem("consent", "consent_missing")
        return
    channel = _CONSENT_WORDS.get(answer)
    if channel is None and answer in {"si", "yes", "sim", "1", "true", "x"}:
        channel = ConsentChannel.PAPER  # "yes" on a signed form's list: the paper it was given on
    if channel is None:
        row.problem("consent", "consent_unknown", value=_text(first("consent")))
        return
    witness = None
    named = _text(first("consent_witness"))
    if named:
        witness = witnesses.get(named.lower()) or witnesses.get(_phone_or_blank(named, programme))
        if witness is None:
            row.problem("consent_witness", "witness_unknown", value=named)
            return
    elif channel == ConsentChannel.VERBAL:
        row.problem("consent_witness", "witness_missing")
        return
    given = today
    if first("consent_date") != "":
        try:
            given = parse_cell_date(first("consent_date"))
        except CellError as exc:
            row.problem("consent_date", exc.code, **exc.params)
            return
        if given > today:
            row.problem("consent_date", "date_future", value=_text(first("consent_date")))
            return
    row.consent = {"channel": channel, "witness": witness, "date": given}


def _phone_or_blank(text: str, programme: Programme) -> str:
    try:
        return parse_phone(text, programme.country)
    except CellError:
        return ""


def _staff_witnesses(programme: Programme) -> dict[str, User]:
    """The programme's trainers and managers, by email and phone: who may witness a consent."""
    staff = User.objects.filter(
        is_active=True,
        memberships__programme=programme,
        memberships__role__in=[ProgrammeRole.TRAINER, ProgrammeRole.MANAGER],
    ).distinct()
    out: dict[str, User] = {}
    for user in staff:
        for key in (user.email, user.phone):
            if key:
                out[key.lower()] = user
    return out


def chunks(items: list[Any], size: int = BATCH) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def check_rows(
    *,
    programme: Programme,
    table: Table,
    columns: dict[str, str],
    kind: str,
    cohort: Any = None,
    progress: Any = None,
) -> list[Row]:
    """The dry run: every row with its problems, nothing written. Queries come in batches."""
    lookups = _Lookups(programme)
    witnesses = _staff_witnesses(programme) if kind == ImportKind.PARTICIPANTS else {}
    today = programme.today()
    positions: dict[str, list[int]] = {}
    for index, header in enumerate(table.headers):
        if columns.get(header):
            positions.setdefault(columns[header], []).append(index)
    rows: list[Row] = []
    seen: dict[str, int] = {}
    for count, (line, cells) in enumerate(table.rows, start=1):
        by_field = {key: [cells[i] for i in where] for key, where in positions.items()}
        row = _parse_row(
            line, by_field, programme=programme, kind=kind, lookups=lookups,
            witnesses=witnesses, today=today,
        )  # fmt: skip
        for identity in (row.phone, row.document):
            if identity and not row.problems:
                if identity in seen:
                    row.problem("phone", "duplicate_in_file", line=seen[identity])
                else:
                    seen[identity] = line
        rows.append(row)
        if progress is not None and count % BATCH == 0:
            progress(count)
    MATCHERS[kind](programme, cohort, rows)
    return rows


def members_by_identity(programme: Programme, rows: list[Row]) -> tuple[dict, dict, set]:
    """Accounts by phone, people by document key, and which users are already members."""
    phones = [r.phone for r in rows if r.phone]
    documents = [r.document for r in rows if r.document]
    by_phone: dict[str, int] = {}
    for chunk in chunks(phones):
        found = User.objects.filter(phone__in=chunk).values_list("phone", "pk")
        by_phone.update((phone, pk) for phone, pk in found if phone)
    by_document: dict[str, int] = {}
    for chunk in chunks(documents):
        by_document.update(
            ImportedPerson.objects.filter(programme=programme, document_key__in=chunk).values_list(
                "document_key", "user_id"
            )
        )
    ids = list({*by_phone.values(), *by_document.values()})
    members: set[int] = set()
    for chunk in chunks(ids):
        members.update(
            Membership.objects.filter(
                programme=programme, role=ProgrammeRole.PARTICIPANT, user_id__in=chunk
            ).values_list("user_id", flat=True)
        )
    return by_phone, by_document, members


def _mark_existing_people(programme: Programme, rows: list[Row]) -> None:
    by_phone, by_document, members = members_by_identity(programme, rows)
    for row in rows:
        if not row.valid:
            continue
        found = by_document.get(row.document or "") or by_phone.get(row.phone or "")
        if found in members:
            row.problem("phone", "existing")
        elif row.phone in by_phone:
            row.user_id = by_phone[row.phone]


# How each kind of file's checked rows meet the people already there, and (for kinds applied
# at once rather than by the worker) how its rows are applied. The participant import is this
# app's; an app above it registers its own kind (training: enrolment into a cohort).
Matcher = Callable[[Programme, Any, list[Row]], None]
Applier = Callable[..., int]
MATCHERS: dict[str, Matcher] = {
    ImportKind.PARTICIPANTS: lambda programme, _cohort, rows: _mark_existing_people(programme, rows)
}
APPLIERS: dict[str, Applier] = {}


def register_kind(kind: str, *, match: Matcher, apply: Applier) -> None:
    MATCHERS[kind] = match
    APPLIERS[kind] = apply


def summarise(job: ImportJob, rows: list[Row]) -> None:
    job.total_rows = len(rows)
    job.valid_rows = sum(1 for r in rows if r.valid)
    job.problems = [p for r in rows for p in r.problems][:PROBLEMS_KEPT]


# --- jobs -----------------------------------------------------------------------------------


def create_job(
    *, programme: Programme, actor: User, kind: str, filename: str, data: bytes, cohort: Any = None
) -> tuple[ImportJob, Table]:
    """Reads the upload (errors about the file itself raise ImportFileError) and keeps it."""
    table = read_table(data)
    if not table.rows:
        raise ImportFileError(_("The file has a header row but no people in it."))
    saved = ImportMapping.objects.filter(programme=programme, kind=kind).first()
    columns = suggest_mapping(table, kind=kind, saved=saved.columns if saved else {})
    notice = current_notice()
    purposes = (saved.purposes if saved else None) or (list(notice.purposes) if notice else [])
    job = ImportJob.objects.create(
        programme=programme, kind=kind, cohort=cohort, created_by=actor,
        filename=filename[:200], content=data, columns=columns, purposes=purposes,
    )  # fmt: skip
    return job, table


def job_table(job: ImportJob) -> Table:
    if not job.content:
        raise ImportFileError(_("This file is no longer kept: upload it again."))
    return read_table(bytes(job.content))


@transaction.atomic
def save_mapping(
    *, job: ImportJob, actor: User, columns: dict[str, str], purposes: list[str]
) -> None:
    check_mapping(columns, kind=job.kind)
    if job.kind == ImportKind.PARTICIPANTS:
        notice = current_notice()
        if notice is None:
            raise ImportFileError(_("There is no privacy notice to record consent against."))
        check_consent_terms(
            notice=notice, channel=ConsentChannel.PAPER, purposes=purposes, witness=None
        )
    job.columns, job.purposes = columns, purposes
    job.save(update_fields=["columns", "purposes"])
    ImportMapping.objects.update_or_create(
        programme=job.programme,
        kind=job.kind,
        defaults={"columns": columns, "purposes": purposes, "updated_by": actor},
    )


def dry_run(job: ImportJob) -> list[Row]:
    """Checks every row against the saved mapping and keeps the findings on the job."""
    rows = check_rows(
        programme=job.programme, table=job_table(job), columns=job.columns, kind=job.kind,
        cohort=job.cohort,
    )  # fmt: skip
    summarise(job, rows)
    job.status = ImportJob.Status.CHECKED
    job.save(update_fields=["total_rows", "valid_rows", "problems", "status"])
    return rows


def _progress_key(job_id: int) -> str:
    return f"impulsa:import:{job_id}:progress"


def job_progress(job: ImportJob) -> int:
    """Rows handled so far: checked rows from the database, written ones from the cache."""
    if job.status == ImportJob.Status.DONE:
        return job.total_rows
    cached = cache.get(_progress_key(job.pk))
    return max(job.processed_rows, int(cached or 0))


def mark_stale_jobs(programme: Programme) -> None:
    """A job whose worker died is shown failed, never "importing" for ever (it can be retried).

    Its transaction never committed, so nothing of it was saved.
    """
    cutoff = timezone.now() - STALE_AFTER
    for job in ImportJob.objects.filter(
        programme=programme, status=ImportJob.Status.RUNNING, heartbeat_at__lt=cutoff
    ):
        beat = cache.get(f"impulsa:import:{job.pk}:beat")
        if beat is None or beat < cutoff.timestamp():
            ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.RUNNING).update(
                status=ImportJob.Status.FAILED,
                error=str(
                    gettext_lazy("The import stopped before it finished; nothing was saved.")
                ),
                finished_at=timezone.now(),
            )


def drop_old_files(programme: Programme) -> None:
    """Files of imports left unfinished are not kept beyond a couple of days."""
    cutoff = timezone.now() - KEEP_UNFINISHED_FILES
    ImportJob.objects.filter(programme=programme, created_at__lt=cutoff).exclude(
        content=b""
    ).exclude(status__in=[ImportJob.Status.QUEUED, ImportJob.Status.RUNNING]).update(
        content=b"", status=ImportJob.Status.DISCARDED
    )


def discard_job(job: ImportJob) -> None:
    ImportJob.objects.filter(pk=job.pk).exclude(
        status__in=[ImportJob.Status.QUEUED, ImportJob.Status.RUNNING, ImportJob.Status.DONE]
    ).update(content=b"", status=ImportJob.Status.DISCARDED)


def run_job(job_id: int) -> None:
    """The worker's side: claim the job, check its rows again, write them all or none."""
    now = timezone.now()
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, heartbeat_at=now, processed_rows=0
    )
    if not claimed:
        return
    job = ImportJob.objects.select_related("programme", "created_by").get(pk=job_id)
    language = job.created_by.language if job.created_by else settings.LANGUAGE_CODE
    with translation.override(language):  # the failure message is read by the manager
        _run_claimed(job)


def _run_claimed(job: ImportJob) -> None:
    job_id = job.pk
    try:
        rows = check_rows(
            programme=job.programme, table=job_table(job), columns=job.columns, kind=job.kind,
            progress=lambda n: _beat(job, n, db=True),
        )  # fmt: skip
        apply_rows(job=job, rows=rows)
    except Exception as exc:
        log.exception("import %s failed", job_id)
        if isinstance(exc, DomainError):
            message = str(exc.message)
        else:
            message = _("The import stopped on an unexpected error (%(e)s); nothing was saved.")
            message = message % {"e": type(exc).__name__}
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.FAILED, error=message[:300], finished_at=timezone.now()
        )
    finally:
        cache.delete(_progress_key(job_id))


def _beat(job: ImportJob, done: int, *, db: bool) -> None:
    now = timezone.now()
    cache.set(_progress_key(job.pk), done, timeout=3600)
    cache.set(f"impulsa:import:{job.pk}:beat", now.timestamp(), timeout=3600)
    if db:  # outside the writing transaction only: inside it nobody else would see it
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=done, heartbeat_at=now)


@transaction.atomic
def apply_rows(*, job: ImportJob, rows: list[Row]) -> int:
    """Writes every valid row in batches inside one transaction, and marks the job done in it.

    Each person gets an account (or, if their number already has one, an invitation they
    accept themselves), their profile, their consent as recorded on paper or verbally with its
    witness, and their membership. Either all of it is committed or none of it.
    """
    programme = job.programme
    notice = current_notice()
    if notice is None:
        raise ImportFileError(_("There is no privacy notice to record consent against."))
    valid = [r for r in rows if r.valid]
    zone = ZoneInfo(programme.time_zone)
    added = 0
    for index, chunk in enumerate(chunks(valid)):
        added += _write_batch(job=job, notice=notice, rows=chunk, zone=zone)
        _beat(job, min(len(rows), (index + 1) * BATCH), db=False)
    summarise(job, rows)
    job.added_rows = added
    job.status = ImportJob.Status.DONE
    job.processed_rows = len(rows)
    job.finished_at = timezone.now()
    job.content = b""  # the file is not needed any more
    job.save()
    audit(job.created_by, "participant.import", obj=programme, rows=added)
    return added


def _write_batch(*, job: ImportJob, notice: ConsentNotice, rows: list[Row], zone: Any) -> int:
    programme = job.programme
    # A phone that has an account already: the person is invited and joins when they accept,
    # so nobody's own account is changed, or shown to the programme, without their say. The
    # invitations (and their SMS) go out once the whole import is committed.
    invited = [r.phone for r in rows if r.user_id is not None and r.phone]
    actor = job.created_by
    if invited and actor is not None:
        transaction.on_commit(
            lambda: [invite_participant(programme=programme, phone=p, actor=actor) for p in invited]
        )
    new = [r for r in rows if r.user_id is None]
    password = make_password(None)
    users = User.objects.bulk_create(
        [User(phone=r.phone, password=password, preferred_language=_language(programme))
         for r in new]
    )  # fmt: skip
    for user, row in zip(users, new, strict=True):
        row.user_id = user.pk
    ParticipantProfile.objects.bulk_create(
        [ParticipantProfile(user_id=r.uid, **r.profile) for r in new]
    )
    consents = []
    for r in new:
        given = dt.datetime.combine(r.consent["date"], dt.time(12), tzinfo=zone)
        check_consent_terms(
            notice=notice, channel=r.consent["channel"], purposes=job.purposes,
            witness=r.consent["witness"],
        )  # fmt: skip
        consents.append(
            Consent(
                user_id=r.uid, notice=notice, channel=r.consent["channel"],
                purposes=sorted(set(job.purposes)), given_at=given, witness=r.consent["witness"],
            )
        )  # fmt: skip
    Consent.objects.bulk_create(consents)
    Membership.objects.bulk_create(
        [Membership(user_id=r.uid, programme=programme, role=ProgrammeRole.PARTICIPANT)
         for r in new]
    )  # fmt: skip
    ImportedPerson.objects.bulk_create(
        [ImportedPerson(programme=programme, user_id=r.uid, document_key=r.document)
         for r in new if r.document]
    )  # fmt: skip
    AuditEvent.objects.bulk_create(
        [AuditEvent(actor=job.created_by, action="participant.import", subject_id=r.uid,
                    object_type="ImportJob", object_id=str(job.pk),
                    detail={"fields": sorted(r.profile)}) for r in new]
    )  # fmt: skip
    return len(rows)


def _language(programme: Programme) -> str:
    return "pt-br" if programme.country == "BR" else "es"


# --- a file of the rows to fix --------------------------------------------------------------


def safe_cell(value: Any) -> str:
    """A cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


def problems_csv(job: ImportJob) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Line"), _("Field"), _("Problem")])
    labels = fields_for(job.kind)
    for p in job.problems:
        writer.writerow(
            [p["line"], safe_cell(labels.get(p["field"], p["field"])), safe_cell(problem_text(p))]
        )
    return out.getvalue()


def visible_jobs(programme: Programme, kind: str) -> Any:
    return ImportJob.objects.filter(programme=programme, kind=kind).filter(
        Q(cohort__isnull=True) | Q(kind=ImportKind.ENROLMENTS)
    )
