"""The article view: escaping and structure in Python, then the real page in headless
Chromium (DOM, console, no script execution, a screenshot kept as an artefact)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from quotestance.html_view import page_name, render_html, render_site, speaker_summary
from quotestance.inference import Labeler

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
HOSTILE = "Officials said <script>window.__pwned = 1</script> was in the text. & so on."


def result(text, **fields):
    base = {
        "id": "x:0",
        "doc_id": "x",
        "sent_index": 0,
        "paragraph_index": 0,
        "text": text,
        "start": 0,
        "end": len(text),
        "is_caption": False,
        "quote_type": "none",
        "stance": "neutral",
        "quote_type_probs": {"none": 1.0},
        "stance_probs": {"neutral": 1.0},
        "source": [],
        "cue": [],
        "content": [],
        "source_resolved": None,
        "source_actor": "NONE",
        "stance_target": None,
    }
    return base | fields


def test_text_is_escaped_and_spans_wrap_the_right_characters():
    text = "Khan <b>said</b> Pakistan would help."
    page = render_html(
        [
            result(
                text,
                quote_type="indirect",
                stance="cooperative",
                stance_target="USA",
                source=[{"start": 0, "end": 4, "text": "Khan"}],
                cue=[{"start": 5, "end": 16, "text": "<b>said</b>"}],
                content=[{"start": 17, "end": 36, "text": "Pakistan would help"}],
                source_resolved="Imran Khan",
                source_actor="PAK",
            )
        ]
    )
    assert "<b>said</b>" not in page and "&lt;b&gt;said&lt;/b&gt;" in page
    assert '<span class="span-source" data-kind="source">Khan<span' in page
    assert "cooperative → USA" in page and "Imran Khan (PAK)" in page


def test_speaker_summary_counts_statements_per_stance():
    rows = [
        result("a", quote_type="direct", stance="cooperative", source_resolved="A", source_actor="USA"),
        result("b", quote_type="direct", stance="conflictual", source_resolved="A", source_actor="USA"),
        result("c", quote_type="none", stance="conflictual"),
    ]
    [(speaker, actor, counts)] = speaker_summary(rows)
    assert (speaker, actor, counts["cooperative"], counts["conflictual"]) == ("A", "USA", 1, 1)


def test_page_names_never_replace_the_index():
    assert page_name("index") == "index-article.html" and page_name("2018/trump") == "2018__trump.html"
    assert set(render_site([result("a")])) == {"x.html", "index.html"}


def _chromium() -> tuple[str, str]:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not (browser and driver):
        message = (
            "headless Chromium not found (apt-get install chromium chromium-driver; `make test` does it)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return browser, driver


@pytest.fixture(scope="module")
def site(root, tiny_checkpoint, seed_article_path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    articles = tmp_path_factory.mktemp("articles")
    shutil.copy(seed_article_path, articles / "seed.txt")
    (articles / "hostile.txt").write_text(HOSTILE + "\n", encoding="utf-8")
    completed = subprocess.run(
        [
            sys.executable,
            "scripts/predict.py",
            "--model",
            tiny_checkpoint,
            articles,
            "--format",
            "html",
            "--output",
            out,
            "--no-progress",
        ],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stderr
    return out


def test_predict_writes_a_page_per_article_and_an_index(site):
    assert sorted(p.name for p in site.iterdir()) == ["hostile.html", "index.html", "seed.html"]


def test_the_seed_page_in_headless_chromium(site, tiny_checkpoint, seed_article_path):
    pytest.importorskip("selenium", reason="selenium is in the dev extra")
    from selenium.webdriver import Chrome, ChromeOptions
    from selenium.webdriver.chrome.service import Service

    browser, driver_path = _chromium()
    options = ChromeOptions()
    options.binary_location = browser
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1200,1600",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = Chrome(service=Service(driver_path), options=options)
    try:
        expected = Labeler.from_pretrained(tiny_checkpoint).label_article(
            seed_article_path.read_text(encoding="utf-8"), doc_id="seed"
        )
        driver.get((site / "seed.html").as_uri())
        sentences = driver.find_elements("css selector", ".sentence")
        assert len(sentences) == len(expected)
        assert len(driver.find_elements("css selector", ".sentence .badge.stance")) == len(expected)
        assert len(driver.find_elements("css selector", "figure.caption")) == sum(
            r["is_caption"] for r in expected
        )
        for kind in ("source", "cue", "content"):
            shown = [
                e.get_attribute("textContent")[:-1]  # minus the S/C/Q label
                for e in driver.find_elements("css selector", f".span-{kind}[data-kind]")
            ]
            assert shown == [span["text"] for r in expected for span in r[kind]]
        badge = driver.find_elements("css selector", ".sentence .badge.stance")[0]
        assert badge.get_attribute("title").startswith("stance: ")
        driver.find_element("id", "toggle").click()
        assert not badge.is_displayed()  # the inline script runs
        ARTIFACTS.mkdir(exist_ok=True)
        driver.find_element("id", "toggle").click()
        driver.save_screenshot(str(ARTIFACTS / "seed-article-view.png"))
        errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
        assert errors == []

        driver.get((site / "hostile.html").as_uri())
        assert driver.execute_script("return window.__pwned === undefined")
        shown = driver.execute_script(
            "return [...document.querySelectorAll('.sentence')].map(s => {const c = s.cloneNode(true);"
            " c.querySelectorAll('.tag,.badge,.speaker').forEach(e => e.remove()); return c.textContent;})"
        )
        assert shown == [HOSTILE]  # the script is shown as text, character for character

        driver.get((site / "index.html").as_uri())
        links = [a.get_attribute("textContent") for a in driver.find_elements("css selector", "#articles a")]
        assert sorted(links) == ["hostile", "seed"]
    finally:
        driver.quit()
