"""Fixes to the website as readers use it (sphinx-book-theme 1.3.0 + pydata-sphinx-theme 0.17.1).

Each fix is guarded by a check in ``tests/site/``:

- **Menu and contents buttons.** pydata's layout has a header band of its own (a second search
  box and a hidden copy of the menu and contents buttons). Both themes' scripts wire up only the
  *first* ``.primary-toggle`` / ``.secondary-toggle`` of a page, which was that hidden copy, so
  the buttons readers see did nothing. ``templates/layout.html`` drops the band, which makes the
  visible buttons the wired ones and removes the empty 64 px strip at the top of every page.
- **Offline pages.** The Colab badge in every notebook points at colab.research.google.com (so it
  shows on GitHub and in Colab); on the site the same image is served from ``static/``.
- **Console and weight.** The theme's inline script sets an empty colour mode ("Got invalid theme
  mode" on a first visit); there is no favicon (a 404 on every page); the themes ship 3.4 MB of
  source maps; and Jupyter Book loads MathJax on every page whose *toctree children* have math.
  Each is fixed here: ``default_mode``, ``html_favicon``, maps deleted after the build, MathJax
  only where the page itself has math.
- **Accessibility (axe-core).** The sidebar's expand chevrons are ``<summary>`` elements with no
  name ("summary-name", serious): each gets "Show the sections of <chapter>". The bibliography's
  entries carry the deprecated ``doc-biblioentry`` role inside a ``role="list"``, which axe reports
  as a list without list items ("aria-required-children", critical): they become list items.
  The search field, the colour-mode switch and "Show code cell source" had names that do not
  contain their visible text ("label-content-name-mismatch", serious; an axe rule that is off by
  default, so the site test switches it on).
- **Reader expectations.** Each page's footer gives the date its source last changed (git) and a
  link to report a problem with that page (the repository's issues, from ``_config.yml``). Each
  chapter's first page offers its notebooks as one zip, and the landing page the whole book's,
  each with the ``utils`` package and its requirements so that an offline class can run them.
"""

from __future__ import annotations

import re
import subprocess
import urllib.parse
import zipfile
from functools import cache
from pathlib import Path

from docutils import nodes
from sphinx.transforms import SphinxTransform

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"
SOURCE_MAP = re.compile(r"\n?/[/*]# sourceMappingURL=\S+?(?: \*/)?\s*$")


class LocalColabBadge(SphinxTransform):
    """Show the Colab badge from the site itself instead of from the web."""

    default_priority = 100  # before Sphinx collects images (so it copies ours into _images)

    def apply(self, **kwargs):
        for image in self.document.findall(nodes.image):
            if image.get("uri") == COLAB_BADGE:
                image["uri"] = "/" + (STATIC / "colab-badge.svg").relative_to(
                    Path(self.env.srcdir).resolve()).as_posix()
                image.get("candidates", {}).clear()
                image["alt"] = "Open in Colab"


def configure(app, config):
    config.templates_path = [str(HERE / "templates"), *config.templates_path]
    config.html_static_path = [*config.html_static_path, str(STATIC)]
    config.html_favicon = str(STATIC / "favicon.svg")
    config.html_last_updated_fmt = "%Y-%m-%d"  # replaced per page by the source's git date


@cache
def _git_date(path: str) -> str | None:
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%cs", "--", path], cwd=HERE.parent,
                             capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def _issues_url(app) -> str | None:
    url = (app.config.html_theme_options or {}).get("repository_url", "")
    return url.rstrip("/") + "/issues" if url else None


ROOT = HERE.parent
BOOK_ZIP = "bbdl-notebooks.zip"
SUPPORT = ["utils", "pyproject.toml", "requirements.txt", "README.md"]


def _chapter_zip(chapter: str) -> str:
    return f"bbdl-{chapter}-notebooks.zip"


def _download_link(context, zip_name: str, what: str) -> str:
    href = context["pathto"](f"_downloads/{zip_name}", 1)
    return (f'<p class="bbdl-download"><a class="reference download" href="{href}" download>'
            f'<span class="fa-solid fa-file-zipper" aria-hidden="true"></span> Download {what} '
            "as one zip</a> (with the <code>utils</code> package: <code>pip install -e .</code>, "
            "then open the notebooks in Jupyter).</p>")


def _add_download(app, pagename, context):
    match = re.fullmatch(r"chapters/([^/]+)/index", pagename)
    if match:
        link = _download_link(context, _chapter_zip(match.group(1)), "this chapter's notebooks")
    elif pagename == app.config.root_doc:
        link = _download_link(context, BOOK_ZIP, "every notebook of the book")
    else:
        return
    body = context.get("body", "")
    context["body"] = re.sub(r"(</h1>)", lambda m: m.group(1) + link, body, count=1)


def write_zips(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_downloads"
    target.mkdir(exist_ok=True)
    support = [p for name in SUPPORT for p in ([ROOT / name] if (ROOT / name).is_file() else
               sorted((ROOT / name).rglob("*.py")))]
    chapters = sorted(p for p in (ROOT / "chapters").iterdir() if p.is_dir())
    everything = []
    for chapter in chapters:
        notebooks = sorted(chapter.glob("*.ipynb"))
        everything += notebooks
        _zip(target / _chapter_zip(chapter.name), notebooks + support)
    _zip(target / BOOK_ZIP, everything + support)


def _zip(path: Path, files):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in files:
            archive.write(file, file.relative_to(ROOT).as_posix())


def page_context(app, pagename, templatename, context, doctree):
    context["default_mode"] = "auto"  # pydata otherwise writes "" and logs an error
    if doctree is None:
        return
    _add_download(app, pagename, context)
    source = app.env.doc2path(pagename)
    date = _git_date(str(source))
    if date:
        context["last_updated"] = date
    issues = _issues_url(app)
    if issues:
        title = urllib.parse.quote(f"Problem on the page '{pagename}'")
        body = urllib.parse.quote(f"Page: {pagename}\n\nWhat is wrong:\n")
        context["theme_extra_footer"] = (
            f'<p class="bbdl-report"><a href="{issues}/new?title={title}&amp;body={body}">'
            "Report a problem with this page</a> (opens the book's issue tracker).</p>")
    if not _has_math(doctree):
        context["script_files"] = [s for s in context.get("script_files", [])
                                   if not _is_mathjax(app, s)]


def _has_math(doctree) -> bool:
    return any(True for _ in doctree.findall(lambda n: isinstance(n, (nodes.math,
                                                                       nodes.math_block))))


def _is_mathjax(app, script) -> bool:
    filename = str(getattr(script, "filename", script) or "")
    body = (getattr(script, "attributes", {}) or {}).get("body", "")
    return filename.endswith(app.config.mathjax_path) or "window.MathJax" in body


SIDEBAR_CHEVRON = re.compile(
    r'(<a class="[^"]*reference internal[^"]*" href="[^"]*">\s*([^<]+?)\s*</a>'
    r"<details[^>]*>\s*)<summary>")


SEARCH_FIELD = re.compile(
    r'(<button class="btn search-button-field[^"]*"[^>]*?) aria-label="Search"')
THEME_ICON = re.compile(r'<i (class="theme-switch [^"]*")([^>]*?) title="[^"]*">')


def accessible_html(html: str) -> str:
    html = SIDEBAR_CHEVRON.sub(
        lambda m: f'{m.group(1)}<summary aria-label="Show the sections of {m.group(2)}">', html)
    html = html.replace('role="doc-biblioentry"', 'role="listitem"')
    # The book's title and search box sat outside every landmark ("region", moderate).
    html = html.replace('<div id="pst-primary-sidebar" class="bd-sidebar-primary bd-sidebar">',
                        '<div id="pst-primary-sidebar" class="bd-sidebar-primary bd-sidebar" '
                        'role="complementary" aria-label="The book">')
    # Visible text must be part of a control's name ("label-content-name-mismatch", serious).
    html = SEARCH_FIELD.sub(r"\1", html)  # named by its text, "Search Ctrl+K"
    html = html.replace('<summary aria-label="Toggle hidden content">', "<summary>")
    return THEME_ICON.sub(r'<i aria-hidden="true" \1\2>', html)  # the button is "Color mode"


def fix_pages(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    for path in Path(app.outdir).rglob("*.html"):
        html = path.read_text()
        fixed = accessible_html(html)
        if fixed != html:
            path.write_text(fixed)


def drop_source_maps(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    for path in static.rglob("*.map"):
        path.unlink()
    for path in [*static.rglob("*.js"), *static.rglob("*.css")]:
        text = path.read_text(errors="surrogateescape")
        if "sourceMappingURL=" in text[-300:]:
            path.write_text(SOURCE_MAP.sub("\n", text), errors="surrogateescape")


def setup(app):
    app.connect("config-inited", configure)
    app.add_transform(LocalColabBadge)
    app.add_css_file("bbdl-fixes.css")
    app.connect("html-page-context", page_context, priority=950)  # after MathJax is added
    app.connect("build-finished", drop_source_maps, priority=900)
    app.connect("build-finished", fix_pages, priority=900)
    app.connect("build-finished", write_zips, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
