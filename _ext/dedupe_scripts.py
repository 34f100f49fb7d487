"""Drop script tags that a page would otherwise include twice.

Jupyter Book 1 and sphinx-book-theme both register sphinx-thebe's inline configuration, so every
page declared ``const THEBE_JS_URL`` twice and the browser reported a SyntaxError on each page.
"""

from __future__ import annotations


def _key(script):
    attributes = getattr(script, "attributes", {}) or {}
    filename = getattr(script, "filename", script) or ""  # inline scripts: None or ""
    return str(filename), tuple(sorted(attributes.items()))


def dedupe(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        key = _key(script)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def setup(app):
    app.connect("html-page-context", dedupe, priority=900)  # after themes add their scripts
    return {"parallel_read_safe": True, "parallel_write_safe": True}
