"""CSV (with an HXL hashtag row), XLSX and PDF of a snapshot, all from its stored data and all
written through `present`, so each carries the same figures under the same labels."""

import csv
import io
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from backend.lib.money import minor_units, to_string
from backend.lib.pdf import render_pdf
from backend.programmes.models import Programme

from .definitions import DEFINITIONS, DIMENSION_NAMES, HXL, NAMES, label
from .disclosure import TOTAL
from .present import Figure, detail_figures, report_view

# The CSV's own columns. A withheld figure leaves `value` (a number for HXL's schema) empty;
# its mark ("<5", "x") and the reason sit in the two status columns.
CSV_HXL = {
    **HXL,
    "figure": "#indicator+figure+code",
    "figure_name": "#indicator+figure+name",
    "currency": "#currency+code",
    "value": "#value+num",
    "mark": "#status+mark",
    "suppressed": "#status+suppressed",
}
TOTAL_CODE = "total"  # a total row or column in the CSV, in place of the internal token


def whose(data: dict[str, Any]) -> dict[str, str]:
    """The programmes, organisations and funders a snapshot is about, by name."""
    programmes = list(
        Programme.objects.filter(pk__in=data["params"]["programme_ids"])
        .select_related("organisation")
        .prefetch_related("fundings__funder")
        .order_by("name")
    )
    organisations = sorted({p.organisation.name for p in programmes})
    funders = sorted({f.funder.name for p in programmes for f in p.fundings.all()})
    return {
        "programmes": ", ".join(p.name for p in programmes),
        "organisations": ", ".join(organisations),
        "funders": ", ".join(funders) or "—",
    }


def _code(value: str) -> str:
    return TOTAL_CODE if value == TOTAL else value


def rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per breakdown cell (totals included), then one per detail figure."""
    dims = data["params"]["breakdown"]
    k = data["k"]
    out = []
    for ind in data["indicators"]:
        base = {
            "indicator_code": ind["code"],
            "indicator_name": str(NAMES[ind["code"]]),
            "period_start": data["params"]["period_start"],
            "period_end": data["params"]["period_end"],
        }
        for cell in ind["table"]["cells"]:
            values = {}
            if len(dims) >= 1:
                values[dims[0]] = _code(cell["row"])
            if len(dims) == 2:
                values[dims[1]] = _code(cell["col"])
            hidden = cell["value"] is None
            out.append(
                base
                | values
                | {
                    "figure": ind["unit"],
                    "figure_name": str(NAMES[ind["code"]]),
                    "value": "" if hidden else cell["value"],
                    "mark": cell["display"] if hidden else "",
                    "suppressed": (cell.get("mark") or "primary") if hidden else "no",
                }
            )
        for fig in detail_figures(ind["code"], ind["details"], k):
            out.append(base | _figure_row(fig))
    return out


def _figure_row(fig: Figure) -> dict[str, Any]:
    if fig.value is None:
        value: Any = ""
    elif fig.kind == "money":
        value = to_string(Decimal(fig.value), fig.currency)
    else:
        value = fig.value
    if not fig.mark:
        mark, reason = "", "no"
    elif fig.kind == "count":
        mark, reason = fig.mark, "complementary" if fig.mark == "x" else "primary"
    else:  # a money total or share held back by the count or dominance rule
        mark, reason = "", "money"
    return {
        "figure": fig.key,
        # a line of text (which terms the figures are in) reads whole in its name column
        "figure_name": f"{fig.label}: {fig.text}" if fig.kind == "text" else fig.label,
        "currency": fig.currency,
        "value": value,
        "mark": mark,
        "suppressed": reason,
    }


def to_csv(data: dict[str, Any], language: str) -> str:
    dims = data["params"]["breakdown"]
    columns = [
        "indicator_code",
        "indicator_name",
        "period_start",
        "period_end",
        *dims,
        "figure",
        "figure_name",
        "currency",
        "value",
        "mark",
        "suppressed",
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    with translation.override(language):
        writer.writerow(columns)
        writer.writerow([CSV_HXL[c] for c in columns])
        for row in rows(data):
            writer.writerow([row.get(c, "") for c in columns])
    return buffer.getvalue()


def _money_format(currency: str) -> str:
    places = minor_units(currency)
    return ("#,##0." + "0" * places if places else "#,##0") + f' "{currency}"'


NUMBER_FORMATS = {"count": "#,##0", "percent": "0.0%", "points": "0.0"}


def to_xlsx(data: dict[str, Any], language: str) -> bytes:
    """A summary sheet (whose figures, which period, how made), then one sheet per indicator.
    Figures are numbers with a number format; only withheld ones are marks ("<5", "x")."""
    # openpyxl is large and only spreadsheet downloads need it: loaded on the first one
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    bold = Font(bold=True)
    dims = data["params"]["breakdown"]
    k = data["k"]
    with translation.override(language):
        view = report_view(data)
        names = whose(data)
        summary = workbook.active
        summary.title = _("Summary")[:31]
        summary.append([_("Outcome report")])
        summary["A1"].font = Font(bold=True, size=14)
        for key, value in (
            (_("Programme"), names["programmes"]),
            (_("Organisation"), names["organisations"]),
            (_("Funder"), names["funders"]),
            (_("Period"), view["period"]),
            (_("Generated"), view["generated"]),
            (_("Breakdown"), view["breakdown"]),
        ):
            summary.append([key, value])
        for line in view["design"]:
            summary.append([_("Sales comparison (M2)"), line])
        summary.append([])
        summary.append([_("Indicator"), _("Headline figure")])
        for ind in data["indicators"]:
            summary.append(
                [
                    str(NAMES[ind["code"]]),
                    _number_or_mark(ind["table"]["total"], ind["table"].get("total_display"), k),
                ]
            )
            summary.cell(summary.max_row, 2).number_format = "#,##0"
        if data["suppressed"]:
            summary.append([])
            summary.append([suppression_note(k)])
        summary.column_dimensions["A"].width = 48
        summary.column_dimensions["B"].width = 60
        for ind in data["indicators"]:
            sheet = workbook.create_sheet(ind["code"])
            sheet.append([str(NAMES[ind["code"]])])
            sheet["A1"].font = bold
            sheet.append([str(DEFINITIONS[ind["code"]])])
            sheet.append([])
            header = [str(DIMENSION_NAMES.get(d, d)) for d in dims] or [""]
            cols = ind["table"]["cols"]
            sheet.append([*header[:1], *[label(c) for c in cols]])
            by_key = {(c["row"], c["col"]): c for c in ind["table"]["cells"]}
            for r in ind["table"]["rows"]:
                cells = [by_key[(r, c)] for c in cols]
                sheet.append(
                    [label(r), *[_number_or_mark(c["value"], c["display"], k) for c in cells]]
                )
                for col in range(2, 2 + len(cols)):
                    sheet.cell(sheet.max_row, col).number_format = "#,##0"
            figures = detail_figures(ind["code"], ind["details"], k)
            if figures:
                sheet.append([])
            for fig in figures:
                if fig.value is None:
                    sheet.append([fig.label, fig.text])
                    continue
                value = fig.value if fig.kind == "count" else Decimal(fig.value)
                sheet.append([fig.label, value])
                sheet.cell(sheet.max_row, 2).number_format = (
                    _money_format(fig.currency) if fig.kind == "money" else NUMBER_FORMATS[fig.kind]
                )
            if data["suppressed"]:
                sheet.append([])
                sheet.append([suppression_note(k)])
            sheet.column_dimensions["A"].width = 48
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _number_or_mark(value: Any, display: Any, k: int) -> Any:
    return (display or f"<{k}") if value is None else value


def suppression_note(k: int) -> str:
    return _(
        "<%(k)s: a count from 1 to %(k1)s, withheld. x: a count of %(k)s or more, withheld so "
        "that no <%(k)s can be worked out from the totals and the other figures of this report "
        "(each <%(k)s can still be any number from 1 to %(k1)s, each x any of at least %(k)s "
        "numbers). Money totals from fewer than %(k)s ventures or people, or more than 85%% of "
        "which comes from the two largest, are withheld."
    ) % {"k": k, "k1": k - 1}


def to_pdf(data: dict[str, Any], language: str) -> bytes:
    with translation.override(language):
        view = report_view(data)
        context = {
            "data": data,
            "view": view,
            "whose": whose(data),
            "note": suppression_note(data["k"]) if data["suppressed"] else "",
        }
    return render_pdf("outcomes/report.html", context, language=language)
