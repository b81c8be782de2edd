"""CSV (with an HXL hashtag row), XLSX and PDF of a snapshot, all from its stored data."""

import csv
import io
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from backend.lib.pdf import render_pdf

from .charts import bar_chart_svg
from .definitions import DEFINITIONS, DIMENSION_NAMES, HXL, NAMES, label
from .present import cell_text, detail_rows, total_text


def rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per indicator and breakdown cell, totals included."""
    dims = data["params"]["breakdown"]
    out = []
    for ind in data["indicators"]:
        for cell in ind["table"]["cells"]:
            values = {}
            if len(dims) >= 1:
                values[dims[0]] = cell["row"]
            if len(dims) == 2:
                values[dims[1]] = cell["col"]
            out.append(
                {
                    "indicator_code": ind["code"],
                    "indicator_name": str(NAMES[ind["code"]]),
                    "period_start": data["params"]["period_start"],
                    "period_end": data["params"]["period_end"],
                    **values,
                    "value": "" if cell["value"] is None else cell["value"],
                    "display": cell["display"],
                    # "primary" (<K), "complementary" (x) or "no", as the legend explains.
                    "suppressed": cell.get("mark") or ("yes" if cell["value"] is None else "no"),
                }
            )
    return out


def to_csv(data: dict[str, Any], language: str) -> str:
    dims = data["params"]["breakdown"]
    columns = [
        "indicator_code",
        "indicator_name",
        "period_start",
        "period_end",
        *dims,
        "value",
        "display",
        "suppressed",
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    with translation.override(language):
        writer.writerow(columns)
        writer.writerow([HXL[c] for c in columns])
        for row in rows(data):
            writer.writerow([row.get(c, "") for c in columns])
    return buffer.getvalue()


def to_xlsx(data: dict[str, Any], language: str) -> bytes:
    # openpyxl is large and only spreadsheet downloads need it: loaded on the first one
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    dims = data["params"]["breakdown"]
    with translation.override(language):
        for ind in data["indicators"]:
            sheet = workbook.create_sheet(ind["code"])
            sheet.append([str(NAMES[ind["code"]])])
            sheet.append([str(DEFINITIONS[ind["code"]])])
            sheet.append([])
            header = [str(DIMENSION_NAMES.get(d, d)) for d in dims] or [""]
            cols = ind["table"]["cols"]
            sheet.append([*header[:1], *[label(c) for c in cols]])
            by_key = {(c["row"], c["col"]): c for c in ind["table"]["cells"]}
            for r in ind["table"]["rows"]:
                sheet.append([label(r), *[_xlsx_value(by_key[(r, c)]) for c in cols]])
            if ind["details"]:
                sheet.append([])
            for key, text in detail_rows(ind["details"]):
                sheet.append([key, text])
            if data["suppressed"]:
                sheet.append([])
                sheet.append([suppression_note(data["k"])])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_value(cell: dict[str, Any]) -> Any:
    return cell["display"] if cell["value"] is None else cell["value"]


def suppression_note(k: int) -> str:
    return _(
        "<%(k)s: a count from 1 to %(k1)s, withheld. x: a count of %(k)s or more, withheld so "
        "that no <%(k)s can be worked out from the totals and the other figures of this report "
        "(each <%(k)s can still be any number from 1 to %(k1)s, each x any of at least %(k)s "
        "numbers). Money totals from fewer than %(k)s ventures or people, or more than 85%% of "
        "which comes from the two largest, are withheld."
    ) % {"k": k, "k1": k - 1}


def to_pdf(data: dict[str, Any], language: str) -> bytes:
    indicators = []
    with translation.override(language):
        for ind in data["indicators"]:
            chart_rows = [r for r in ind["table"]["rows"] if r != "__total__"]
            col = ind["table"]["cols"][-1]
            by_key = {(c["row"], c["col"]): c for c in ind["table"]["cells"]}
            bars = [(label(r), by_key[(r, col)]["value"]) for r in chart_rows]
            indicators.append(
                {
                    **ind,
                    "name": NAMES[ind["code"]],
                    "definition": DEFINITIONS[ind["code"]],
                    "chart": bar_chart_svg(bars) if len(bars) > 1 else "",
                    "grid": [
                        {
                            "label": label(r),
                            "cells": [cell_text(by_key[(r, c)]) for c in ind["table"]["cols"]],
                        }
                        for r in ind["table"]["rows"]
                    ],
                    "col_labels": [label(c) for c in ind["table"]["cols"]],
                    "total_text": total_text(ind["table"], data["k"]),
                    "detail_rows": detail_rows(ind["details"]),
                }
            )
        note = suppression_note(data["k"]) if data["suppressed"] else ""
    context = {"data": data, "indicators": indicators, "note": note}
    return render_pdf("outcomes/report.html", context, language=language)
