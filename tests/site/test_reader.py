"""The website as readers use it: navigation on a phone, clean math and code, offline, accessible.

Every page of the table of contents is opened once at 1280 px (and once at 390 px) in headless
Chromium, served from 127.0.0.1 with every other request refused; the checks below read what
that visit recorded.
"""

import re

import pytest
from conftest import offline_context
from test_site import toc_pages

PAGES = toc_pages()
SERIOUS = {"serious", "critical"}
# axe-core's default rules, plus one it ships switched off that readers of this theme did hit.
AXE_OPTIONS = {"resultTypes": ["violations"],
               "rules": {"label-content-name-mismatch": {"enabled": True}}}

# Text a reader sees that still holds TeX: MathJax missed it (a `$` that did not pair up, a line
# that Markdown turned into something else).
RAW_TEX = r"\$|\\\(|\\\[|\\frac|\\mathbf|\\[a-zA-Z]+\{"

_READ_PAGE = """async (rawTex) => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
  const skip = "pre, code, kbd, script, style, textarea, mjx-container, .MathJax, [hidden]";
  const tex = new RegExp(rawTex);
  const rawTexText = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const parent = node.parentElement;
    if (!parent || parent.closest(skip)) continue;
    if (tex.test(node.textContent)) rawTexText.push(node.textContent.trim().slice(0, 100));
  }
  const describe = (el) => `${el.tagName.toLowerCase()} "${(el.textContent || "")
    .replace(/\\s+/g, " ").trim().slice(0, 60)}" (${el.scrollWidth} px in ${el.clientWidth} px)`;
  const overflowing = Array.from(document.querySelectorAll(
      "article pre, article mjx-container[display='true']"))
    .filter((el) => el.scrollWidth > el.clientWidth + 1).map(describe);
  const images = Array.from(document.querySelectorAll("img")).map((img) => ({
    src: img.getAttribute("src"), alt: img.getAttribute("alt"),
    decorative: img.getAttribute("role") === "presentation" ||
      img.closest("[aria-hidden=true]") !== null,
  }));
  const strayOutputs = Array.from(document.querySelectorAll("div.cell")).filter((cell) => {
    const code = cell.querySelector(".cell_input pre");
    const out = cell.querySelector(".cell_output");
    if (!code || !out) return false;
    const lines = code.textContent.trim().split("\\n");
    return /seed_everything\\(.*\\)\\s*$/.test(lines[lines.length - 1]) &&
      /^\\s*\\d+\\s*$/.test(out.textContent);
  }).map((cell) => cell.id || "cell");
  const figures = Array.from(document.querySelectorAll("article figure")).map((f) => ({
    number: (f.querySelector(".caption-number") || {}).textContent || "",
    caption: (f.querySelector("figcaption") || {}).textContent || ""}));
  return {rawTexText, overflowing, images, strayOutputs, figures,
          hasMathJax: !!document.querySelector("script[src*='mathjax']"),
          typeset: document.querySelectorAll("mjx-container").length,
          pageWidth: document.documentElement.scrollWidth,
          viewport: document.documentElement.clientWidth};
}"""


def _visit(browser, base_url, width, axe=False):
    from axe_playwright_python.sync_playwright import Axe

    results = {}
    for name in PAGES:
        external, console, failed = [], [], []
        context = offline_context(browser, external, viewport={"width": width, "height": 900})
        page = context.new_page()
        page.on("console", lambda m, c=console: c.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e, c=console: c.append(str(e)))
        page.on("response", lambda r, f=failed: f.append(f"{r.status} {r.url}")
                if r.status >= 400 else None)
        page.goto(f"{base_url}/{name}.html", wait_until="networkidle")
        seen = page.evaluate(_READ_PAGE, RAW_TEX)
        # What the page itself did, recorded before axe runs (axe fetches stylesheets itself).
        seen.update(external=list(external), console=list(console), failed=list(failed),
                    transfer=page.evaluate("""() => performance.getEntriesByType("navigation")
                      .concat(performance.getEntriesByType("resource"))
                      .reduce((sum, e) => sum + e.transferSize, 0)"""))
        if axe:
            report = Axe().run(page, options=AXE_OPTIONS)
            seen["axe"] = [(v["impact"], v["id"], len(v["nodes"]), v["nodes"][0]["target"])
                           for v in report.response["violations"]]
        results[name] = seen
        context.close()
    return results


@pytest.fixture(scope="module")
def wide(browser, base_url):
    return _visit(browser, base_url, 1280, axe=True)


@pytest.fixture(scope="module")
def narrow(browser, base_url):
    return _visit(browser, base_url, 390)


def _per_page(results, key):
    return {name: seen[key] for name, seen in results.items() if seen[key]}


# -- navigation ----------------------------------------------------------------------------------

def _phone(browser, external, width=390):
    return offline_context(browser, external, viewport={"width": width, "height": 844},
                           is_mobile=True, has_touch=True)


@pytest.mark.parametrize("width", [390, 900])  # a phone, a tablet: the menu is a dialog below 992
def test_menu_button_on_a_phone_shows_the_chapters_and_a_link_navigates(browser, base_url, width):
    external = []
    context = _phone(browser, external, width)
    page = context.new_page()
    page.goto(f"{base_url}/chapters/01-neurons/01-the-neuron.html")
    button = page.locator(".bd-header-article .primary-toggle")
    assert button.is_visible()
    button.click()
    menu = page.locator("#pst-primary-sidebar-modal[open]")
    menu.wait_for(state="visible", timeout=5000)
    link = menu.get_by_role("link", name=re.compile("Backpropagation and training"))
    assert link.is_visible(), "the menu opened but does not show the chapter links"
    link.click()
    page.wait_for_url("**/chapters/02-backprop/index.html", timeout=5000)
    context.close()
    assert not external


def test_contents_button_on_a_phone_shows_the_sections_of_the_page(browser, base_url):
    external = []
    context = _phone(browser, external)
    page = context.new_page()
    page.goto(f"{base_url}/chapters/02-backprop/04-training-well.html")
    page.locator(".bd-header-article .secondary-toggle").click()
    contents = page.locator("#pst-secondary-sidebar-modal[open]")
    contents.wait_for(state="visible", timeout=5000)
    link = contents.get_by_role("link", name=re.compile("Batch normalisation"))
    assert link.is_visible()
    link.click()
    page.wait_for_url(re.compile(r"04-training-well\.html#batch-normalisation"), timeout=5000)
    context.close()


def test_menu_button_on_a_wide_screen_collapses_and_restores_the_sidebar(page, base_url):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base_url}/chapters/01-neurons/01-the-neuron.html")
    sidebar = page.locator("#pst-primary-sidebar")
    assert sidebar.is_visible()
    page.locator(".bd-header-article .primary-toggle").click()
    sidebar.wait_for(state="hidden", timeout=5000)
    page.locator(".bd-header-article .primary-toggle").click()
    sidebar.wait_for(state="visible", timeout=5000)


def test_no_empty_header_band_above_the_page(page, base_url):
    page.goto(f"{base_url}/intro.html")
    heights = page.evaluate("""() => Array.from(document.querySelectorAll("header.bd-header"))
        .map((h) => h.getBoundingClientRect().height)""")
    assert all(h == 0 for h in heights), f"header band of {heights} px"


def test_right_hand_contents_list_uses_the_window_height_and_reaches_its_last_entry(page,
                                                                                   base_url):
    # A long page's contents list used to stop 64 px above the window's bottom edge (space kept
    # for the header band), so its last entries looked cut off.
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{base_url}/chapters/01-neurons/03-activations-and-losses.html")
    seen = page.evaluate("""() => {
      window.scrollTo(0, 3000);
      const sidebar = document.querySelector(".bd-sidebar-secondary");
      sidebar.scrollTop = 1e6;
      const links = sidebar.querySelectorAll("nav.page-toc a");
      return {bottom: sidebar.getBoundingClientRect().bottom, long: sidebar.scrollHeight >
              sidebar.clientHeight, last: links[links.length - 1].getBoundingClientRect().bottom,
              height: window.innerHeight};
    }""")
    assert seen["long"], "pick a page whose contents list is longer than the window"
    assert seen["bottom"] >= seen["height"] - 1, seen
    assert seen["last"] <= seen["height"], seen


# -- what each page shows ------------------------------------------------------------------------

def test_no_page_shows_raw_tex_outside_mathjax(wide):
    assert not _per_page(wide, "rawTexText")


def test_pages_with_math_are_typeset_and_others_do_not_load_mathjax(site, wide):
    for name, seen in wide.items():
        has_math = 'class="math' in (site / (name + ".html")).read_text()
        assert seen["hasMathJax"] == has_math, f"{name}: MathJax loaded {seen['hasMathJax']}"
        if has_math:
            assert seen["typeset"] > 0, f"{name} loads MathJax but shows no equation"
    assert not wide["references"]["hasMathJax"]  # 1.2 MB of MathJax for a page without math


def test_no_code_cell_or_equation_is_wider_than_the_column_at_1280px(wide):
    assert not _per_page(wide, "overflowing")


def test_no_page_scrolls_sideways_on_a_phone(narrow):
    wider = {n: (s["pageWidth"], s["viewport"]) for n, s in narrow.items()
             if s["pageWidth"] > s["viewport"]}
    assert not wider


def test_no_page_makes_a_request_off_the_machine(wide, narrow):
    assert not _per_page(wide, "external")
    assert not _per_page(narrow, "external")


def test_no_console_errors_and_no_failed_requests(wide):
    assert not _per_page(wide, "console")
    assert not _per_page(wide, "failed")  # a favicon 404 included


def test_every_image_has_meaningful_alt_text(wide):
    bad = {}
    for name, seen in wide.items():
        for img in seen["images"]:
            alt = (img["alt"] or "").strip()
            pathlike = re.search(r"[/\\]|\.(png|svg|jpe?g|gif|webp)$|^_images|^[\w-]+$", alt)
            if img["decorative"] and img["alt"] == "":
                continue
            if not alt or (pathlike and " " not in alt):
                bad.setdefault(name, []).append((img["src"], img["alt"]))
    assert not bad


def test_every_figure_is_numbered_per_chapter_and_captioned(wide):
    chapter_pages = [n for n in PAGES if re.match(r"chapters/\d\d-", n)]
    assert sum(len(wide[n]["figures"]) for n in chapter_pages) >= 30
    unnumbered = {}
    for name in chapter_pages:
        chapter = int(name.split("/")[1][:2])
        for figure in wide[name]["figures"]:
            if not (re.match(rf"Figure {chapter}\.\d+", figure["number"])
                    and len(figure["caption"].split()) >= 5):
                unnumbered.setdefault(name, []).append(figure)
    assert not unnumbered


def test_seed_everything_prints_no_stray_number(wide):
    assert not _per_page(wide, "strayOutputs")


def test_no_serious_or_critical_accessibility_violations(wide):
    found = {name: [v for v in seen["axe"] if v[0] in SERIOUS] for name, seen in wide.items()}
    assert not {name: v for name, v in found.items() if v}


# -- the build -----------------------------------------------------------------------------------

def test_no_source_maps_in_the_build(site):
    maps = [p.relative_to(site).as_posix() for p in site.rglob("*.map")]
    assert not maps
    mentions = [p.name for p in (site / "_static").rglob("*") if p.suffix in {".js", ".css"}
                and "sourceMappingURL=" in p.read_text(errors="replace")[-400:]]
    assert not mentions


def test_each_page_says_when_it_was_last_updated_and_how_to_report_a_problem(site):
    for name in PAGES:
        html = (site / (name + ".html")).read_text()
        assert re.search(r"Last updated on \d{4}-\d{2}-\d{2}", html), name
        assert re.search(r'href="https://github\.com/[^"]+/issues/new\?[^"]*"', html), name


@pytest.mark.parametrize("chapter", sorted({p.split("/")[1] for p in PAGES
                                           if p.startswith("chapters/")}))
def test_each_chapter_offers_its_notebooks_as_one_zip(site, chapter):
    import zipfile

    page = site / "chapters" / chapter / "index.html"
    links = re.findall(r'href="([^"]+\.zip)"', page.read_text())
    assert links, f"{chapter}'s first page has no zip download"
    archive = (page.parent / links[0]).resolve()
    names = zipfile.ZipFile(archive).namelist()
    chapter_notebooks = sorted(p for p in PAGES if p.startswith(f"chapters/{chapter}/")
                               and (site.parents[1] / (p + ".ipynb")).exists())
    assert chapter_notebooks and all(p + ".ipynb" in names for p in chapter_notebooks)
    assert "utils/__init__.py" in names and "requirements.txt" in names


def test_the_landing_page_offers_the_whole_book_as_one_zip(site):
    import zipfile

    links = re.findall(r'href="([^"]+\.zip)"', (site / "intro.html").read_text())
    assert links
    names = zipfile.ZipFile((site / links[0]).resolve()).namelist()
    assert len([n for n in names if n.endswith(".ipynb")]) >= 8


# -- the bibliography ----------------------------------------------------------------------------

def _text(fragment: str) -> str:
    import html

    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def test_bibliography_labels_read_like_the_citations_that_link_to_them(site):
    references = (site / "references.html").read_text()
    labels = {m.group(1): _text(m.group(2)) for m in re.finditer(
        r'<div class="citation" id="([^"]+)"[^>]*>\s*<span class="label">'
        r'<span class="fn-bracket">\[</span>(.*?)<span class="fn-bracket">\]</span>', references)}
    assert len(labels) >= 10
    checked = 0
    for name in PAGES:
        page = (site / (name + ".html")).read_text()
        for href, text in re.findall(
                r'<a class="reference internal" href="[^"]*references\.html#([^"]+)"[^>]*>'
                r"(.*?)</a>", page):
            if href in labels:
                # "[Kingma and Ba, 2015]", or in a textual citation "Cybenko [1989]" the year
                label, shown = labels[href], _text(text)
                assert shown in (label, label.rsplit(", ", 1)[-1]), (name, label, shown)
                checked += 1
    assert checked >= 20


def test_the_full_list_sentence_links_to_the_bibliography(site):
    for name in PAGES:
        text = (site / (name + ".html")).read_text()
        for sentence in re.findall(r"The full list is on the book.s.{0,300}?</p>", text, re.S):
            assert re.search(r'href="[^"]*references\.html"', sentence), name


def test_bibliography_page_promises_no_back_links_it_does_not_have(site):
    text = _text((site / "references.html").read_text())
    assert "link back to where it is cited" not in text
