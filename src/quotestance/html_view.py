"""The article view: one self-contained HTML page per labelled article, and an index.

    pages = render_site(results)                 # {"index.html": ..., "<doc_id>.html": ...}
    html = render_html(results_of_one_article)   # one page

Who is quoted, by what cue, saying what, with which stance, shown in the article's
own paragraphs: source, cue and content spans are highlighted (each with its own
colour *and* its own underline style and a small label, so the view works in print
and for colour-blind readers), each attributed sentence carries its resolved speaker
and actor code, each sentence a quote-type and a stance badge whose tooltip holds the
probabilities, photo captions are set apart, and a summary table counts every
speaker's cooperative / neutral / conflictual statements. No network: CSS and the
little JS (a toggle for the badges) are inline. Every piece of text is escaped with
`html.escape`, so an article holding `<script>` shows it and never runs it.
"""

from __future__ import annotations

import html
from collections import Counter, defaultdict
from collections.abc import Iterable

from .labels import STANCES

SPAN_KINDS = ("source", "cue", "content")  # inner spans are drawn over outer ones in this order
SPAN_LABELS = {"source": "S", "cue": "C", "content": "Q"}

CSS = """
body{font:16px/1.6 Georgia,serif;max-width:46em;margin:2em auto;padding:0 1em;color:#1b1b1b}
h1{font:bold 1.4em sans-serif}h2{font:bold 1.1em sans-serif;margin-top:2em}
table{border-collapse:collapse;font:14px sans-serif}td,th{border:1px solid #999;padding:.2em .5em;text-align:left}
.legend span{margin-right:1.2em}
.span-source{background:#cfe3ff;border-bottom:3px solid #1f5fbf}
.span-cue{background:#ffe3b3;border-bottom:3px dotted #a55a00}
.span-content{background:#e4f4dc;border-bottom:2px dashed #2e7d32}
.tag{font:bold 10px sans-serif;vertical-align:super;margin-left:1px}
.badge{font:11px sans-serif;border:1px solid #555;border-radius:3px;padding:0 .3em;margin-left:.3em;white-space:nowrap}
.stance-cooperative{border-style:solid;background:#e8f5e9}.stance-conflictual{border-style:double;border-width:3px;background:#fdecea}
.stance-neutral{border-style:dotted}
.speaker{font:italic 12px sans-serif;color:#333;margin-left:.3em}
figure.caption{margin:1em 0;padding:.5em 1em;border-left:4px solid #999;font:14px sans-serif;color:#444}
body.no-badges .badge,body.no-badges .speaker{display:none}
@media print{button{display:none}.span-source,.span-cue,.span-content{background:none}}
"""

SCRIPT = """
document.getElementById('toggle').addEventListener('click',function(){
  document.body.classList.toggle('no-badges');
});
"""


def _escape(text: str) -> str:
    return html.escape(text, quote=True)


def _probabilities(result: dict, task: str) -> str:
    probs = result.get(f"{task}_probs") or {}
    return ", ".join(f"{label} {value:.2f}" for label, value in sorted(probs.items(), key=lambda kv: -kv[1]))


def _marked_text(result: dict) -> str:
    """The sentence with its spans wrapped; spans never overlap (they are BIO tags)."""
    text = result["text"]
    spans = sorted((s["start"], s["end"], kind) for kind in SPAN_KINDS for s in result.get(kind) or [])
    out, position = [], 0
    for start, end, kind in spans:
        if start < position:
            continue  # overlapping spans cannot come from the tagger; drawn once, never twice
        out.append(_escape(text[position:start]))
        out.append(
            f'<span class="span-{kind}" data-kind="{kind}">{_escape(text[start:end])}'
            f'<span class="tag" aria-hidden="true">{SPAN_LABELS[kind]}</span></span>'
        )
        position = end
    out.append(_escape(text[position:]))
    return "".join(out)


def _badges(result: dict) -> str:
    parts = []
    if result.get("quote_type"):
        parts.append(
            f'<span class="badge quote quote-{_escape(result["quote_type"])}" '
            f'title="quote type: {_escape(_probabilities(result, "quote_type"))}">'
            f"{_escape(result['quote_type'])}</span>"
        )
    if result.get("stance"):
        target = f" → {result['stance_target']}" if result.get("stance_target") else ""
        parts.append(
            f'<span class="badge stance stance-{_escape(result["stance"])}" '
            f'title="stance: {_escape(_probabilities(result, "stance"))}">'
            f"{_escape(result['stance'] + target)}</span>"
        )
    if result.get("quote_type") not in (None, "none") and result.get("source_resolved"):
        parts.append(
            f'<span class="speaker">— {_escape(result["source_resolved"])} '
            f"({_escape(result.get('source_actor') or '')})</span>"
        )
    return "".join(parts)


def speaker_summary(results: Iterable[dict]) -> list[tuple[str, str, Counter]]:
    """(speaker, actor code, stance counts) for every attributed sentence's speaker,
    most statements first."""
    counts: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for result in results:
        if result.get("quote_type") in (None, "none") or not result.get("source_resolved"):
            continue
        counts[(result["source_resolved"], result.get("source_actor") or "")][result.get("stance")] += 1
    return sorted(
        ((s, a, c) for (s, a), c in counts.items()), key=lambda item: (-sum(item[2].values()), item[0])
    )


def render_html(results: list[dict], title: str | None = None) -> str:
    """One self-contained page for the labelled sentences of one article.

    Args:
        results: the Labeler's results for one article (`Labeler.label_article`), in
            sentence order; `paragraph_index` groups them into paragraphs.
        title: the page heading (default: the article's doc_id).

    Returns:
        The HTML page as a string (UTF-8, no external resources).

    Example:
        >>> page = render_html(Labeler.from_pretrained("models/seed").label_article(text))  # doctest: +SKIP
    """
    doc_id = results[0]["doc_id"] if results else "article"
    title = title or doc_id
    rows = []
    for speaker, actor, counts in speaker_summary(results):
        cells = "".join(
            f"<td>{counts.get(stance, 0)}</td>" for stance in ("cooperative", "neutral", "conflictual")
        )
        rows.append(f"<tr><td>{_escape(speaker)}</td><td>{_escape(actor)}</td>{cells}</tr>")
    summary = (
        (
            '<table id="summary"><tr><th>speaker</th><th>actor</th><th>cooperative</th><th>neutral</th>'
            "<th>conflictual</th></tr>" + "".join(rows) + "</table>"
        )
        if rows
        else "<p>No attributed statements.</p>"
    )
    body, paragraph, current = [], [], None
    for result in results:
        sentence = (
            f'<span class="sentence" id="s{result["sent_index"]}" data-quote="{_escape(str(result.get("quote_type")))}" '
            f'data-stance="{_escape(str(result.get("stance")))}">{_marked_text(result)}{_badges(result)}</span>'
        )
        if result.get("is_caption"):
            if paragraph:
                body.append("<p>" + " ".join(paragraph) + "</p>")
                paragraph = []
            body.append(
                f'<figure class="caption"><figcaption>Photo caption: {sentence}</figcaption></figure>'
            )
            continue
        index = result.get("paragraph_index", 0)
        if paragraph and index != current:
            body.append("<p>" + " ".join(paragraph) + "</p>")
            paragraph = []
        current = index
        paragraph.append(sentence)
    if paragraph:
        body.append("<p>" + " ".join(paragraph) + "</p>")
    legend = (
        '<p class="legend"><span class="span-source">source<span class="tag">S</span></span>'
        '<span class="span-cue">cue<span class="tag">C</span></span>'
        '<span class="span-content">content<span class="tag">Q</span></span>'
        '<span class="badge stance stance-cooperative">cooperative</span>'
        '<span class="badge stance stance-neutral">neutral</span>'
        '<span class="badge stance stance-conflictual">conflictual</span></p>'
    )
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{_escape(title)}</title><style>{CSS}</style></head><body>"
        f'<h1>{_escape(title)}</h1>{legend}<button id="toggle" type="button">show / hide labels</button>'
        f"<h2>Who says what</h2>{summary}<h2>Article</h2><article>{''.join(body)}</article>"
        f"<script>{SCRIPT}</script></body></html>\n"
    )


def render_index(articles: dict[str, list[dict]]) -> str:
    """The index page of a folder of article pages: one row per article with its counts."""
    rows = []
    for doc_id, results in articles.items():
        stances = Counter(r.get("stance") for r in results)
        attributed = sum(r.get("quote_type") not in (None, "none") for r in results)
        cells = "".join(f"<td>{stances.get(s, 0)}</td>" for s in STANCES)
        rows.append(
            f'<tr><td><a href="{_escape(page_name(doc_id))}">{_escape(doc_id)}</a></td>'
            f"<td>{len(results)}</td><td>{attributed}</td>{cells}</tr>"
        )
    header = "".join(f"<th>{s}</th>" for s in STANCES)
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>quotestance articles</title>'
        f'<style>{CSS}</style></head><body><h1>Articles</h1><table id="articles"><tr><th>article</th>'
        f"<th>sentences</th><th>attributed</th>{header}</tr>{''.join(rows)}</table></body></html>\n"
    )


def page_name(doc_id: str) -> str:
    """A file name for an article's page: its doc_id with path separators replaced (an
    article called "index" does not replace the index page)."""
    name = doc_id.replace("/", "__").replace("\\", "__")
    return f"{name}-article.html" if name == "index" else f"{name}.html"


def render_site(results: Iterable[dict]) -> dict[str, str]:
    """Every article's page and the index, keyed by file name."""
    articles: dict[str, list[dict]] = {}
    for result in results:
        articles.setdefault(result["doc_id"], []).append(result)
    pages = {page_name(doc_id): render_html(rows) for doc_id, rows in articles.items()}
    pages["index.html"] = render_index(articles)
    return pages
