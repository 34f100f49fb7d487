"""Serve MathJax 3 from the site itself instead of a CDN.

The website must render its equations with no internet (a lecture hall, a laptop on a train,
the headless browser in our tests), so this Sphinx extension copies MathJax's browser build from
the pinned PyPI package ``django-static-mathjax`` into ``_static/mathjax`` and points
``mathjax_path`` at it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

ENTRY = "tex-chtml.js"
# What the TeX-to-HTML build loads: its bundle, the fonts, lazily loaded TeX extensions, menus.
PARTS = [ENTRY, "input/tex/extensions", "output/chtml/fonts/woff-v2", "ui", "a11y"]


def mathjax_source() -> Path:
    try:
        import mathjax  # provided by django-static-mathjax (only its static files are used)
    except ImportError as exc:
        raise RuntimeError("MathJax files not found: `pip install django-static-mathjax` "
                           "(it is pinned in requirements.txt)") from exc
    return Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"


def copy_mathjax(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    source, target = mathjax_source(), Path(app.outdir) / "_static" / "mathjax"
    for part in PARTS:
        src, dst = source / part, target / part
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            shutil.copy2(src, dst)


def use_local_mathjax(app, config):
    config.mathjax_path = f"mathjax/{ENTRY}"


def setup(app):
    mathjax_source()  # fail early, with the fix, if the package is missing
    app.connect("config-inited", use_local_mathjax)
    app.connect("build-finished", copy_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
