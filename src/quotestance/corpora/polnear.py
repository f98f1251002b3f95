"""PolNeAR v1.0.0 (attribution relations in US election news) to sentence records.

Input, under `<corpora_dir>/polnear/data/<train|dev|test>/`: `text/<name>.txt`
(the article: its title line, a blank line, then paragraphs separated by blank
lines) and `attributions/<name>_<annotator>.ann` (brat standoff). In an .ann
file, `T` lines are text-bound spans `T7<TAB>Content 292 543;560 600<TAB>text`
(a discontinuous span lists its fragments with `;`, not always in text order;
the text may continue over several lines), and `E` lines link them into one
attribution: `E2<TAB>Attribution:T8 Content:T7 Cue:T6 Source:T5` (or
`Attribution-no-source:...`; a few use the role `Content2`). `Discard` and
`Discuss` spans are annotators' notes, not attributions, and are ignored.
Offsets are Python character offsets into the raw .txt.

Sentences come from `Segmenter` over the whole file with no dateline detection:
PolNeAR files have none, and the title line is annotated (about 1,700 span
starts fall in titles), so it is sentence 0 of paragraph 0.

Per sentence:
- `source_spans`, `cue_spans`, `content_spans`: every fragment of every
  attribution clipped to the sentence, as offsets into the sentence text. An
  attribution whose content crosses sentences labels each sentence it covers;
  its source and cue go only to the sentence they are in.
- `quote_type` by LABELS.md: for each attribution with content in the
  sentence, its content letters inside double quotation marks ("..." or
  “...”, scoped to the paragraph, so a quotation that runs on into the next
  paragraph is open there too): all -> direct, some -> mixed, none ->
  indirect; a sentence takes the first of mixed, direct, indirect among its
  attributions, and `none` when no content falls in it.
- `source_resolved`, `source_actor`, `anonymous`, `stance`, `event_mode`: None
  (PolNeAR does not label them).

Articles annotated by several annotators (16 training, 2 dev and 2 test
articles, kept by PolNeAR to measure agreement) have one .ann per annotator.
We keep the file with the most attributions, ties broken by the smaller
annotator id: PolNeAR's known weakness is missed attributions (pseudo-recall
94%), so the most complete annotation is the best single one, and the rule
needs nothing but the files themselves.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..atomic import atomic_output
from ..quotes import inside_mask
from ..schema import SentenceRecord, sentence_record
from ..segment import Article, Segmenter, contexts, trim_span
from . import CORPUS_ORIGINS, CorpusFormatError, CorpusMissingError, corpus_path

CORPUS = "polnear"
# PolNeAR folder -> split of the project's DatasetDict.
SPLITS = {"train": "train", "dev": "validation", "test": "test"}

TEXT_BOUND = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t")
# The start of a T line: one that starts so but is not TEXT_BOUND is malformed, not text.
TEXT_BOUND_ID = re.compile(r"^T\d+\t")
EVENT = re.compile(r"^(E\d+)\t(.*)$")
ROLES = {"Source": "source", "Cue": "cue", "Content": "content", "Content2": "content"}


@dataclass
class Attribution:
    source: list[tuple[int, int]] = field(default_factory=list)
    cue: list[tuple[int, int]] = field(default_factory=list)
    content: list[tuple[int, int]] = field(default_factory=list)


def parse_ann(path: Path) -> list[Attribution]:
    """The attributions of one brat .ann file, each with its fragments in text order.

    A malformed file is a ValueError naming the file, the line and the fix."""
    spans: dict[str, list[tuple[int, int]]] = {}
    events: list[tuple[int, str]] = []
    for line_number, line in enumerate(_read_ann_lines(path), 1):
        bound = TEXT_BOUND.match(line)
        if bound:
            fragments = [tuple(map(int, part.split())) for part in bound.group(3).split(";")]
            if any(start > end for start, end in fragments):
                raise CorpusFormatError(
                    f"{path}:{line_number}: span {bound.group(3)!r} ends before it starts; "
                    "the .ann file is edited or corrupt, restore it from PolNeAR"
                )
            spans[bound.group(1)] = sorted(fragments)
            continue
        if TEXT_BOUND_ID.match(line):
            raise CorpusFormatError(
                f"{path}:{line_number}: expected `T<n><TAB><type> <start> <end>[;<start> <end>]"
                f"<TAB><text>`, got {line[:80]!r}; restore the file from PolNeAR"
            )
        event = EVENT.match(line)
        if event:
            events.append((line_number, event.group(2)))
        # Anything else continues the text of a multi-line T line, or is an annotator note.
    attributions = []
    for line_number, arguments in events:
        attribution = Attribution()
        for argument in arguments.split():
            role, _, span_id = argument.partition(":")
            if role in ROLES:
                if span_id not in spans:
                    raise CorpusFormatError(
                        f"{path}:{line_number}: event refers to {span_id}, which no T line defines; "
                        "the .ann file is truncated or edited, restore it from PolNeAR"
                    )
                getattr(attribution, ROLES[role]).extend(spans[span_id])
        attributions.append(attribution)
    return attributions


def _read_ann_lines(path: Path) -> list[str]:
    data = path.read_bytes()
    try:
        return data.decode("utf-8").splitlines()
    except UnicodeDecodeError as error:
        line_number = data.count(b"\n", 0, error.start) + 1
        raise CorpusFormatError(
            f"{path}:{line_number}: not UTF-8 (byte {error.start}); restore the file from PolNeAR"
        ) from None


def choose_annotation(ann_paths: list[Path]) -> Path:
    """The most complete of several annotators' files; ties go to the smaller annotator id."""
    counts = {path: len(parse_ann(path)) for path in ann_paths}
    return min(ann_paths, key=lambda path: (-counts[path], path.stem.rsplit("_", 1)[1]))


def _clip(fragments: list[tuple[int, int]], start: int, end: int, text: str) -> list[dict]:
    """Fragments clipped to [start, end), whitespace trimmed, relative to start."""
    clipped = []
    for a, b in fragments:
        kept = trim_span(text, max(a, start), min(b, end))
        if kept is not None:
            clipped.append({"start": kept[0] - start, "end": kept[1] - start})
    return clipped


def _quote_type(
    attributions_content: list[list[dict]],
    sentence_start: int,
    text: str,
    quoted: bytearray,
    paragraph_start: int,
) -> str:
    kinds = set()
    for content in attributions_content:
        letters = inside = 0
        for span in content:
            for position in range(sentence_start + span["start"], sentence_start + span["end"]):
                if text[position].isalnum():
                    letters += 1
                    inside += quoted[position - paragraph_start]
        if letters:
            kinds.add("direct" if inside == letters else "indirect" if inside == 0 else "mixed")
    for kind in ("mixed", "direct", "indirect"):
        if kind in kinds:
            return kind
    return "none"


def convert_article(
    text: str, doc_id: str, attributions: list[Attribution], split: str, segmenter: Segmenter
) -> list[dict]:
    """Sentence records of one article with its attributions clipped to each sentence."""
    article = Article(doc_id=doc_id, text=text, date=None, body_start=len(text) - len(text.lstrip()))
    sentences = segmenter.segment(article)
    paragraph_bounds = {}
    for sentence in sentences:
        low, high = paragraph_bounds.get(sentence.paragraph_index, (sentence.start, sentence.end))
        paragraph_bounds[sentence.paragraph_index] = (min(low, sentence.start), max(high, sentence.end))
    quoted = {index: inside_mask(text, low, high) for index, (low, high) in paragraph_bounds.items()}
    records = []
    for sentence, context in zip(sentences, contexts(sentences)):
        spans = {"source": [], "cue": [], "content": []}
        contents = []
        for attribution in attributions:
            content = _clip(attribution.content, sentence.start, sentence.end, text)
            if content:
                contents.append(content)
            spans["content"] += content
            spans["source"] += _clip(attribution.source, sentence.start, sentence.end, text)
            spans["cue"] += _clip(attribution.cue, sentence.start, sentence.end, text)
        paragraph_start = paragraph_bounds[sentence.paragraph_index][0]
        quote_type = _quote_type(
            contents, sentence.start, text, quoted[sentence.paragraph_index], paragraph_start
        )
        records.append(
            sentence_record(
                CORPUS,
                sentence,
                context,
                split,
                quote_type=quote_type,
                spans_labelled=True,
                source_spans=sorted(spans["source"], key=lambda s: s["start"]),
                cue_spans=sorted(spans["cue"], key=lambda s: s["start"]),
                content_spans=sorted(spans["content"], key=lambda s: s["start"]),
            )
        )
    return records


def article_files(
    corpora_dir: str | Path, folder: str, limit: int | None = None
) -> list[tuple[Path, list[Path]]]:
    """(text file, its .ann files) of one PolNeAR folder, sorted by name, the first `limit`."""
    text_dir = corpus_path(corpora_dir, "polnear", "data", folder, "text")
    ann_dir = corpus_path(corpora_dir, "polnear", "data", folder, "attributions")
    pairs = []
    for text_path in sorted(text_dir.glob("*.txt"))[:limit]:
        anns = sorted(ann_dir.glob(f"{text_path.stem}_*.ann"))
        if not anns:
            raise CorpusMissingError(
                f"corpus incomplete: {text_path} has no {ann_dir}/{text_path.stem}_<annotator>.ann. "
                f"Download {CORPUS_ORIGINS['polnear']} into {Path(corpora_dir, 'polnear')} again"
            )
        pairs.append((text_path, anns))
    return pairs


def polnear_records(corpora_dir: str | Path, limit: int | None = None) -> tuple[list[SentenceRecord], dict]:
    """Records of PolNeAR's train, dev (as validation) and test articles, and conversion stats.

    `limit` keeps the first articles of each folder by name (tests, quick builds).
    """
    segmenter = Segmenter()
    records: list[dict] = []
    stats = {"articles": {}, "multi_annotated_articles": 0, "chosen_annotations": []}
    for folder, split in SPLITS.items():
        pairs = article_files(corpora_dir, folder, limit)
        stats["articles"][split] = len(pairs)
        for text_path, anns in pairs:
            ann_path = choose_annotation(anns) if len(anns) > 1 else anns[0]
            if len(anns) > 1:
                stats["multi_annotated_articles"] += 1
                stats["chosen_annotations"].append(ann_path.name)
            text = text_path.read_text(encoding="utf-8")
            records += convert_article(text, text_path.stem, parse_ann(ann_path), split, segmenter)
    return records, stats


def cached_polnear_records(
    corpora_dir: str | Path, cache_dir: str | Path, limit: int | None = None
) -> tuple[list[dict], dict]:
    """`polnear_records`, read from a JSONL cache keyed by the input files and this converter."""
    key = _cache_key(corpora_dir, limit)
    cache_path = Path(cache_dir) / f"polnear-{key}.jsonl"
    if cache_path.is_file():
        with cache_path.open(encoding="utf-8") as lines:
            stats = json.loads(next(lines))
            return [json.loads(line) for line in lines], stats | {"cache": "hit"}
    records, stats = polnear_records(corpora_dir, limit)
    # Renamed into place whole (atomic.atomic_output): builds running at once never write
    # into one another's file, and a reader sees a complete cache or none.
    with atomic_output(cache_path, what="data.cache_dir") as out:
        out.write(json.dumps(stats) + "\n")
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return records, stats | {"cache": "miss"}


def _cache_key(corpora_dir: str | Path, limit: int | None) -> str:
    digest = hashlib.sha256(f"limit={limit}\n".encode())
    for folder in SPLITS:
        for text_path, anns in article_files(corpora_dir, folder, limit):
            for path in (text_path, *anns):
                status = path.stat()
                digest.update(f"{path.name}\0{status.st_size}\0{status.st_mtime_ns}\n".encode())
    # The converter's version is its code, the segmenter's and the record schema's
    # (`sentence_record`, `empty_record`): editing any of them rebuilds the cache.
    package = Path(__file__).parents[1]
    for source in (Path(__file__), package / "segment.py", package / "schema.py"):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]
