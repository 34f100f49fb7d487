"""Bibliography labels that read like the citations in the text.

Pages cite author-year ("Kingma and Ba, 2015", ``bibtex_reference_style: author_year``), but the
default bibliography style labels entries alpha-style ("[KB15]"), so a reader could not match a
citation with its entry. This registers a pybtex style, ``bbdl``, whose labels are the same
author-year text, sorted by author and year, and makes it the default.
"""

from __future__ import annotations

from pybtex.plugin import register_plugin
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.labels import BaseLabelStyle


def _surname(person) -> str:
    return " ".join(person.prelast_names + person.last_names).replace("{", "").replace("}", "")


def author_year(entry) -> str:
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    names = [_surname(p) for p in people]
    if not names:
        who = entry.fields.get("organization") or entry.fields.get("title", entry.key)
    elif len(names) == 1:
        who = names[0]
    elif len(names) == 2:
        who = f"{names[0]} and {names[1]}"
    else:
        who = f"{names[0]} et al."
    return f"{who}, {entry.fields.get('year', 'n.d.')}"


class AuthorYearLabels(BaseLabelStyle):
    def format_labels(self, sorted_entries):
        seen = {}
        for entry in sorted_entries:
            label = author_year(entry)
            seen[label] = seen.get(label, 0) + 1
            # Two works by the same authors in one year: "Smith, 2020", "Smith, 2020b".
            yield label if seen[label] == 1 else label + "abcdefghij"[seen[label] - 1]


class BookStyle(UnsrtStyle):
    default_label_style = "bbdl-author-year"
    default_sorting_style = "author_year_title"


def use_style(app, config):
    config.bibtex_default_style = "bbdl"


def setup(app):
    register_plugin("pybtex.style.labels", "bbdl-author-year", AuthorYearLabels)
    register_plugin("pybtex.style.formatting", "bbdl", BookStyle)
    app.connect("config-inited", use_style)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
