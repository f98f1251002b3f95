"""Converters of the public corpora, on small real samples checked by hand."""

from pathlib import Path

import pytest

from quotestance import quotes
from quotestance.corpora import CorpusMissingError, corpus_path, polnear
from quotestance.corpora.isot import isot_records
from quotestance.corpora.polnear import (
    cached_polnear_records,
    choose_annotation,
    convert_article,
    parse_ann,
    polnear_records,
)
from quotestance.corpora.stance import cameo_records, plv_records, request_stance
from quotestance.schema import FEATURES
from quotestance.segment import Segmenter

pytestmark = pytest.mark.corpora  # all but the parser and rule tests read ../shared/corpora

# A dev article of one annotator (4e07): AP's running "The Latest" on Trump, 2016-09-30.
LATEST_TRUMP = "breitbart_2016-09-30_the-latest-trump-urges-supporter"


@pytest.fixture(scope="module")
def latest_trump(corpora_dir):
    folder = corpora_dir / "polnear" / "data" / "dev"
    text = (folder / "text" / f"{LATEST_TRUMP}.txt").read_text(encoding="utf-8")
    attributions = parse_ann(folder / "attributions" / f"{LATEST_TRUMP}_4e07.ann")
    return convert_article(text, LATEST_TRUMP, attributions, "validation", Segmenter())


def spans(record, field):
    return [record["text"][span["start"] : span["end"]] for span in record[field]]


def test_polnear_mixed_quotation(latest_trump):
    record = latest_trump[8]
    assert record["text"] == "Trump says voter fraud “would be one hell of a way to lose.”"
    assert record["quote_type"] == "mixed"  # "voter fraud" is outside the marks
    assert spans(record, "source_spans") == ["Trump"]
    assert spans(record, "cue_spans") == ["says"]
    assert record["content_spans"] == [{"start": 11, "end": 60}]
    assert record["id"] == f"polnear:{LATEST_TRUMP}:8" and record["split"] == "validation"


def test_polnear_direct_quotation_with_pronoun_source(latest_trump):
    record = latest_trump[70]
    assert record["text"] == "He said, “We have some big plans for the final month.”"
    assert record["quote_type"] == "direct"
    assert record["source_spans"] == [{"start": 0, "end": 2}]  # "He"
    assert spans(record, "cue_spans") == ["said"]
    assert spans(record, "content_spans") == ["“We have some big plans for the final month.”"]
    assert record["context"] == latest_trump[69]["text"]


def test_polnear_indirect_quotation_with_pronoun_source(latest_trump):
    record = latest_trump[19]
    assert record["text"].startswith("He notes that the Commission on Presidential Debates")
    assert record["quote_type"] == "indirect"
    assert spans(record, "source_spans") == ["He"]
    assert spans(record, "cue_spans") == ["notes"]
    assert spans(record, "content_spans") == [record["text"][9:-1]]  # "that ... microphone", no period


def test_polnear_content_over_two_sentences(latest_trump):
    first, second = latest_trump[61], latest_trump[62]
    assert first["text"].startswith("As a phone rang, the announcer said, “It’s 3 a.m.")
    assert second["text"] == "Who do you want answering the phone?”"
    assert (first["quote_type"], second["quote_type"]) == ("direct", "direct")
    assert spans(first, "source_spans") == ["the announcer"]
    assert spans(first, "content_spans") == ["“It’s 3 a.m., and your children are safe and asleep."]
    # The second sentence carries its share of the content, and no source or cue.
    assert spans(second, "content_spans") == [second["text"]]
    assert second["source_spans"] == [] and second["cue_spans"] == []


def test_polnear_title_is_a_sentence_and_unannotated_sentences_are_none(latest_trump):
    assert latest_trump[0]["paragraph_index"] == 0 and latest_trump[0]["context"] == ""
    unattributed = [r for r in latest_trump if not r["content_spans"]]
    assert unattributed and all(r["quote_type"] == "none" for r in unattributed)
    assert all(r["stance"] is None and r["source_actor"] is None for r in latest_trump)
    assert all(r["spans_labelled"] for r in latest_trump)
    assert set(latest_trump[0]) == set(FEATURES)


def test_parse_ann_reads_discontinuous_and_multiline_spans(tmp_path):
    ann = tmp_path / "article_abcd.ann"
    ann.write_text(
        "T1\tContent 40 52;10 20\t“one” “two\n"  # fragments out of order, text runs on
        "three”\n"
        "T2\tSource 0 5\tTrump\n"
        "T3\tCue 6 9\tsaid\n"
        "T4\tAttribution 6 9\tsaid\n"
        "T5\tContent 60 70\tmore\n"
        "E1\tAttribution:T4 Content:T1 Cue:T3 Source:T2 Content2:T5\n"
        "T6\tDiscard 80 90\tRead more\n"
        "#1\tAnnotatorNotes T1\tunsure\n",
        encoding="utf-8",
    )
    (attribution,) = parse_ann(ann)
    assert attribution.content == [(10, 20), (40, 52), (60, 70)]
    assert attribution.source == [(0, 5)] and attribution.cue == [(6, 9)]


def test_parse_ann_names_the_line_of_a_dangling_reference(tmp_path):
    ann = tmp_path / "article_abcd.ann"
    ann.write_text("T1\tCue 0 4\tsaid\nE1\tAttribution:T1 Cue:T1 Content:T9\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"article_abcd.ann:2: .*T9"):
        parse_ann(ann)


def test_parse_ann_names_the_line_of_a_malformed_or_undecodable_file(tmp_path):
    ann = tmp_path / "article_abcd.ann"
    ann.write_text("T1\tCue 0 4\tsaid\nT2\tContent 9 x\tmore\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"article_abcd.ann:2: expected `T<n>"):
        parse_ann(ann)
    ann.write_text("T1\tCue 8 4\tsaid\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"article_abcd.ann:1: span '8 4' ends before it starts"):
        parse_ann(ann)
    ann.write_bytes("T1\tCue 0 4\tsaid\nT2\tSource 5 9\tCaf\xe9\n".encode("latin-1"))
    with pytest.raises(ValueError, match=r"article_abcd.ann:2: not UTF-8"):
        parse_ann(ann)


def test_inside_mask_follows_curly_and_straight_marks():
    text = 'a “bc” d "ef" g'
    inside = quotes.inside_mask(text)
    assert "".join(c for c, flag in zip(text, inside) if flag) == '“bc”"ef"'
    # The same state as is_open: a quotation open at the end of a sentence runs on.
    assert quotes.is_open("He said: “we will") and not quotes.is_open("“We will,” he said.")
    assert quotes.is_open("” he said. “And more")  # closes one from before, opens a new one


def test_reuters_ipsos_paragraph_is_a_sentence_not_a_caption(corpora_dir):
    name = "west-journal_2016-09-30_new-poll-shows-minor-post-debate"
    folder = corpora_dir / "polnear" / "data" / "dev"
    text = (folder / "text" / f"{name}.txt").read_text(encoding="utf-8")
    records = convert_article(text, name, [], "validation", Segmenter())
    (poll,) = [r for r in records if r["text"].startswith("The Reuters/Ipsos poll showed")]
    assert not any(r["is_caption"] for r in records)
    assert poll["context"] == records[poll["sent_index"] - 1]["text"]


def test_missing_attributions_are_a_corpus_missing_error(tmp_path):
    text_dir = tmp_path / "polnear" / "data" / "train" / "text"
    text_dir.mkdir(parents=True)
    (text_dir / "an-article.txt").write_text("Title\n\nHe said so.\n", encoding="utf-8")
    with pytest.raises(CorpusMissingError, match=r"polnear/data/train/attributions is missing.*PolNeAR"):
        polnear_records(tmp_path)
    (text_dir.parent / "attributions").mkdir()
    with pytest.raises(
        CorpusMissingError,
        match=r"an-article.txt has no .*an-article_<annotator>.ann.*"
        r"networkdynamics/PolNeAR",
    ):
        polnear_records(tmp_path)


def test_cache_leaves_another_builds_partial_file_alone(corpora_dir, tmp_path):
    cache = tmp_path / "cache"
    records, stats = cached_polnear_records(corpora_dir, cache, limit=1)
    (cache_file,) = cache.iterdir()
    cache_file.unlink()
    # A build running at the same time, still writing the same conversion.
    other = cache / f"{cache_file.stem}.partial"
    other.write_text("half a file\n", encoding="utf-8")
    again, again_stats = cached_polnear_records(corpora_dir, cache, limit=1)
    assert again_stats["cache"] == "miss" and other.read_text(encoding="utf-8") == "half a file\n"
    assert sorted(p.name for p in cache.iterdir()) == sorted([cache_file.name, other.name])
    assert cached_polnear_records(corpora_dir, cache, limit=1)[0] == records == again


def test_cache_key_covers_the_record_schema(corpora_dir, tmp_path, monkeypatch):
    # A copy of the three files the key hashes, so that the schema can be "edited".
    package = tmp_path / "quotestance"
    (package / "corpora").mkdir(parents=True)
    source = Path(polnear.__file__).parents[1]
    for name in ("corpora/polnear.py", "segment.py", "schema.py"):
        (package / name).write_bytes((source / name).read_bytes())
    monkeypatch.setattr(polnear, "__file__", str(package / "corpora" / "polnear.py"))
    cache = tmp_path / "cache"
    assert cached_polnear_records(corpora_dir, cache, limit=1)[1]["cache"] == "miss"
    assert cached_polnear_records(corpora_dir, cache, limit=1)[1]["cache"] == "hit"
    with (package / "schema.py").open("a", encoding="utf-8") as schema:
        schema.write("\n# a new record field\n")
    assert cached_polnear_records(corpora_dir, cache, limit=1)[1]["cache"] == "miss"


def test_several_annotators_keep_the_most_complete(corpora_dir):
    folder = corpora_dir / "polnear" / "data" / "dev" / "attributions"
    anns = sorted(folder.glob("politico_2016-09-08_flynn-says-trump-absolutely-righ_*.ann"))
    assert len(anns) > 1
    chosen = choose_annotation(anns)
    assert len(parse_ann(chosen)) == max(len(parse_ann(path)) for path in anns)
    assert choose_annotation(list(reversed(anns))) == chosen


@pytest.fixture(scope="module")
def plv(corpora_dir):
    records, stats = plv_records(corpora_dir)
    return {r["doc_id"]: r for r in records}, stats


def test_plv_quad_classes_map_to_stance_and_event_mode(plv):
    records, _ = plv
    accuse = records["PLV_train-2"]  # Zarif "has condemned" a Supreme Court decision: ACCUSE, 3
    assert (accuse["stance"], accuse["event_mode"]) == ("conflictual", "verbal_conflict")
    assert accuse["event_source"] == "Iranian Foreign Minister Mohammad Javad Zarif"
    assert accuse["event_target"] == "a U.S. Supreme Court decision"
    agree = records["PLV_train-122"]  # Russia "is willing to withdraw its troops": AGREE, 1
    assert (agree["stance"], agree["event_mode"]) == ("cooperative", "verbal_cooperation")
    strike = records["PLV_train-291"]  # Israeli missiles struck an arms depot: ASSAULT, 4
    assert (strike["stance"], strike["event_mode"]) == ("conflictual", "material_conflict")
    aid = records["PLV_train-534"]  # Germany and UNICEF hand over 30 vehicles: COOPERATE, 2
    assert (aid["stance"], aid["event_mode"]) == ("cooperative", "material_cooperation")
    assert all(r["quote_type"] is None and not r["spans_labelled"] for r in records.values())


def test_plv_request_rows_split_into_demands_and_appeals(plv):
    records, stats = plv
    demand = records["PLV_train-551"]  # "Eritrea demanded the withdrawal of US ... staff"
    assert (demand["stance"], demand["event_mode"]) == ("conflictual", "verbal_conflict")
    summon = records["PLV_train-549"]  # summoned France's ambassador to complain: pressure
    assert summon["stance"] == "conflictual"
    refuge = records["PLV_train-567"]  # "Some 30 thousand Syrians Sought Refuge in the EU"
    assert (refuge["stance"], refuge["event_mode"]) == ("cooperative", "verbal_cooperation")
    counts = stats["request"]
    assert sum(counts.values()) == 114  # 42 REQUEST rows in PLV_train, 72 in PLV_test
    assert counts["conflictual"] > counts["cooperative"] > 0


def test_request_rule_on_sentences():
    assert request_stance("The EU demanded the immediate release of a lawyer.") == "conflictual"
    assert request_stance("He said Iraq must cooperate fully with inspectors.") == "conflictual"
    assert request_stance("The UN launched an appeal for $80 million in aid.") == "cooperative"
    assert request_stance("Ghani called on the Taliban to talk to his government.") == "cooperative"
    assert request_stance("The minister visited Kabul on Monday.") is None


def test_cameo_labels_checked_by_hand(corpora_dir):
    records, stats = cameo_records(corpora_dir)
    by_id = {r["doc_id"]: r for r in records}
    bomb = by_id["train-1"]  # "a car bomb in Kiev killed another ethnic Chechen", label 4
    assert (bomb["stance"], bomb["event_mode"]) == ("conflictual", "material_conflict")
    rejected = by_id["train-2"]  # "a Swiss court rejected the Croatian government's request", 3
    assert (rejected["stance"], rejected["event_mode"]) == ("conflictual", "verbal_conflict")
    suggested = by_id["train-4"]  # "Lavrov ... suggested that the congress plan ...", label 0
    assert (suggested["stance"], suggested["event_mode"]) == ("neutral", "statement")
    appeal = by_id["train-8"]  # "Netanyahu says he will seek support from PA Leader", label 0
    assert (appeal["stance"], appeal["event_mode"]) == (None, "statement")
    assert stats["statement_with_appeal_or_demand"] > 0
    assert len(records) == 1349 + 451 and not any(r["text"].endswith("\r") for r in records)


def test_cameo_reads_csv_quoted_rows_without_their_escaping(corpora_dir):
    records, _ = cameo_records(corpora_dir)
    by_id = {r["doc_id"]: r for r in records}
    # train.tsv line 750: `"South Africa's ... an anarchic"" protest ... on Tuesday."""<TAB>3`
    farmers = by_id["train-750"]
    assert farmers["text"] == (
        "South Africa's government has condemned an anarchic\" protest by white farmers who "
        'stormed a court building and burnt a police vehicle on Tuesday."'
    )
    assert (farmers["stance"], farmers["event_mode"]) == ("conflictual", "verbal_conflict")
    assert not any('""' in r["text"] or r["text"].startswith('"') for r in records)
    assert [r["doc_id"] for r in records if r["split"] == "train"][-1] == "train-1349"


def test_missing_corpus_names_folder_and_origin(tmp_path):
    with pytest.raises(CorpusMissingError, match=r"plover_plv.*missing.*Zero-Shot-PLOVER"):
        corpus_path(tmp_path, "plover_plv", "PLV_train.tsv")
    with pytest.raises(CorpusMissingError, match=r"polnear.*networkdynamics/PolNeAR"):
        polnear_records(tmp_path)


def test_isot_pool_is_unlabelled_and_kept_apart(corpora_dir):
    politics = isot_records(corpora_dir, "politicsNews", limit=2)
    world = isot_records(corpora_dir, "worldnews", limit=1)
    assert {r["corpus"] for r in politics} == {"isot_politics"}
    assert {r["corpus"] for r in world} == {"isot_world"}
    assert len({r["doc_id"] for r in politics}) == 2
    first = politics[0]
    assert "(Reuters)" not in first["text"]  # the dateline is not part of the first sentence
    assert all(
        r["split"] == "unlabelled"
        and r["quote_type"] is None
        and r["stance"] is None
        and not r["spans_labelled"]
        for r in politics + world
    )
    with pytest.raises(ValueError, match="valid"):
        isot_records(corpora_dir, "sports")
