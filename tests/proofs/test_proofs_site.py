"""The static HTML site: complete, offline, escaped, navigable, deterministic."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

from axiomforge.proofs.checker import RULES
from axiomforge.proofs.notation import Printer
from axiomforge.proofs.site import method_kind, page_names, write_site
from axiomforge.proofs.syntax import read_formula


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()
        self.srcs: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        d = dict(attrs)
        if "href" in d:
            self.hrefs.append(d["href"] or "")
        if "src" in d:
            self.srcs.append(d["src"] or "")
        if "id" in d:
            self.ids.add(d["id"] or "")
        if tag == "script":
            self.scripts += 1


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text())
    return parser


def test_site_for_engine_peano_is_complete_and_links_resolve(engine_docs, tmp_path):
    doc = engine_docs["peano"]
    index = write_site(doc, tmp_path)
    assert index == tmp_path / "index.html"
    pages = page_names([t["name"] for t in doc["theorems"]])
    for name in ("index.html", "rules.html", "theory.html", "graph.html", "graph.svg", "style.css", *pages.values()):
        assert (tmp_path / name).exists(), name
    parsed = {p.name: _parse(p) for p in tmp_path.glob("*.html")}
    for html_file in tmp_path.glob("*.html"):
        links = parsed[html_file.name]
        assert not links.srcs  # no external scripts or images
        for href in links.hrefs:
            assert not re.match(r"^[a-z]+://", href), href  # offline: no CDN, no web links
            target, _, anchor = href.partition("#")
            target_path = tmp_path / target if target else html_file
            assert target_path.exists(), (html_file.name, href)
            if anchor:
                assert anchor in parsed[target_path.name].ids, (html_file.name, href)


def test_index_shows_readable_statements_methods_and_times(engine_docs, tmp_path):
    doc = engine_docs["peano"]
    text = write_site(doc, tmp_path).read_text()
    printer = Printer(doc["theory"])
    for thm in doc["theorems"]:
        shown = printer.formula(read_formula(thm["statement"]))
        assert shown.replace("<", "&lt;").replace(">", "&gt;") in text
        assert thm["method"] in text
    assert "∀a b. a + b = b + a" in text  # commutativity, in infix
    assert 'id="search"' in text and 'id="method"' in text
    found = [x for x in doc["run"]["expect"] if x["found"]]
    assert 'id="expected"' in text and f"{len(found)} of {len(doc['run']['expect'])} found" in text
    assert "induction" in {method_kind(t["method"]) for t in doc["theorems"]}


def test_theorem_page_has_numbered_steps_premise_links_and_backlinks(hand_doc, tmp_path):
    write_site(hand_doc, tmp_path)
    page = (tmp_path / "thm-add_comm.html").read_text()
    for step in next(t for t in hand_doc["theorems"] if t["name"] == "add_comm")["steps"]:
        assert f'id="step-{step["id"]}"' in page
        for p in step["premises"]:
            assert f'href="#step-{p}"' in page
    assert 'href="thm-add_zero_left.html"' in page  # cited theorem
    assert 'href="rules.html#rule-induction"' in page
    assert 'href="theory.html#axiom-add_succ"' in page
    rests_on = re.search(r"Rests on</dt><dd>(.*?)</dd>", page).group(1)
    assert re.findall(r">(\w+)</a>", rests_on) == ["add_succ", "add_zero"]  # through both lemmas
    used_by = (tmp_path / "thm-add_zero_left.html").read_text()
    assert re.search(r"Used by</dt><dd>.*thm-add_comm\.html.*thm-mul_one\.html", used_by)


def test_rules_glossary_lists_every_rule(hand_doc, tmp_path):
    write_site(hand_doc, tmp_path)
    text = (tmp_path / "rules.html").read_text()
    for rule in RULES:
        assert f'id="rule-{rule}"' in text


def test_dependency_graph_is_valid_svg_with_links(engine_docs, tmp_path):
    doc = engine_docs["lists"]
    write_site(doc, tmp_path)
    root = ET.parse(tmp_path / "graph.svg").getroot()
    ns = "{http://www.w3.org/2000/svg}"
    texts = [t.text for t in root.iter(f"{ns}text")]
    assert sorted(texts) == sorted(t["name"] for t in doc["theorems"])
    edges = sum(len(set(t["cites"])) for t in doc["theorems"])
    assert len(list(root.iter(f"{ns}line"))) == edges > 0


def test_every_user_string_is_escaped(hand_doc, tmp_path):
    evil = '<script>alert("x")</script>'
    thm = hand_doc["theorems"][0]
    thm["name"] = evil
    thm["method"] = f"induction on a {evil}"
    hand_doc["theory"]["name"] = evil
    hand_doc["theory"]["functions"][2]["infix"] = "<b>+</b>"
    for later in hand_doc["theorems"][1:]:
        later["cites"] = [evil if c == "add_zero_left" else c for c in later["cites"]]
        for step in later["steps"]:
            if step.get("ref") == "add_zero_left":
                step["ref"] = evil
    write_site(hand_doc, tmp_path)
    for path in [*tmp_path.glob("*.html"), tmp_path / "graph.svg"]:
        text = path.read_text()
        assert evil not in text and "<b>+</b>" not in text, path.name
        assert "alert" not in text or "&lt;script&gt;" in text or "&#34;" in text or "&quot;" in text
    assert any("&lt;script&gt;" in p.read_text() for p in tmp_path.glob("thm-*.html"))


def test_rejected_proofs_are_marked_on_the_site(hand_doc, tmp_path):
    hand_doc["theorems"][0]["steps"][1]["formula"] = {"op": "true"}
    text = write_site(hand_doc, tmp_path).read_text()
    assert "✗" in text and "1 of 7" not in text and "0 of 7" not in text
    page = (tmp_path / "thm-add_zero_left.html").read_text()
    assert 'class="step failing"' in page and 'href="#step-2"' in page


def test_site_is_deterministic(engine_docs, tmp_path):
    write_site(engine_docs["lists"], tmp_path / "a")
    write_site(engine_docs["lists"], tmp_path / "b")
    for path in sorted((tmp_path / "a").iterdir()):
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name


def test_page_names_are_distinct_and_safe():
    names = page_names(["a/b", "a_b", "A_B", "../x", ""])
    assert len(set(names.values())) == 5
    assert all(re.fullmatch(r"thm-[A-Za-z0-9_-]+\.html", v) for v in names.values())
