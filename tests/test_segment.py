"""The seed article's segmentation hard cases, one test each, on the real seed text."""

import pytest

from quotestance.segment import Segmenter, parse_article, read_article


@pytest.fixture(scope="module")
def article(seed_article_path):
    return read_article(seed_article_path)


@pytest.fixture(scope="module")
def sentences(article):
    return Segmenter().segment(article)


def find(sentences, beginning):
    matches = [s for s in sentences if s.text.startswith(beginning)]
    assert len(matches) == 1, f"expected one sentence starting {beginning!r}, got {len(matches)}"
    return matches[0]


def test_date_header_and_dateline_are_not_part_of_the_first_sentence(article, sentences):
    assert article.date == "2018-12-04"
    first = sentences[0]
    assert first.text.startswith("U.S. President Donald Trump has asked for Pakistan’s help")
    assert "date" not in first.text[:10] and "(Reuters)" not in first.text
    assert article.text[: first.start].split() == ["date", "2018-12-04", "WASHINGTON", "(Reuters)", "-"]


def test_the_two_photo_captions_and_only_they_are_flagged(sentences):
    captions = [s for s in sentences if s.is_caption]
    assert [s.text.split(".")[-1].strip() for s in captions] == [
        "REUTERS/Kevin Lamarque/Files",
        "REUTERS/Athit Perawongmetha/Files",
    ]
    # A caption is one record even though it holds two sentences.
    assert captions[0].text.startswith("U.S. President Donald Trump attends a meeting")
    assert captions[1].text.startswith("Cricket star-turned-politician Imran Khan")
    assert all(s.paragraph_index != c.paragraph_index for c in captions for s in sentences if s is not c)


def test_abbreviations_and_hyphenated_compounds_do_not_split(sentences):
    special = find(sentences, "The administration official, who did not want to be identified")
    assert "for U.S. Special Representative Zalmay Khalilzad’s trip to the region." in special.text
    partnership = find(sentences, "”The letter also makes clear")
    assert partnership.text.endswith("an enduring U.S.-Pakistan partnership,” the official said.")
    assert not any(s.text in {"S.", "U.", "S.-Pakistan partnership"} for s in sentences)


def test_glued_quotation_mark_opens_the_next_sentence(sentences):
    before = find(sentences, "Trump also said in the letter to Khan")
    after = find(sentences, "”The letter also makes clear")
    assert before.text.endswith("on its territory,” the official said.")
    assert after.sent_index == before.sent_index + 1
    assert after.paragraph_index == before.paragraph_index
    assert after.start == before.end  # glued: no space between them in the article


def test_two_sentence_quotation_is_two_sentences(sentences):
    first = find(sentences, "“President Trump has also acknowledged")
    second = find(sentences, "He has emphasised")
    assert first.text == "“President Trump has also acknowledged that the war had cost both USA and Pakistan."
    assert second.text.endswith("Pakistan’s foreign ministry said in a statement.")
    assert second.sent_index == first.sent_index + 1


def test_quotation_continuing_the_previous_speaker_is_its_own_sentence(sentences):
    mattis = find(sentences, "“We are looking for every responsible nation")
    alone = sentences[mattis.sent_index + 1]
    assert alone.text == "“It is time for everyone to get on board.”"


def test_offsets_slice_the_article_back_to_every_sentence(article, sentences):
    assert [s.sent_index for s in sentences] == list(range(len(sentences)))
    for sentence in sentences:
        assert article.text[sentence.start : sentence.end] == sentence.text
        assert sentence.text == sentence.text.strip() and sentence.text


def test_paragraph_indices_follow_the_blank_lines(article, sentences):
    body_paragraphs = [p for p in article.text[article.body_start :].split("\n\n") if p.strip()]
    assert sentences[-1].paragraph_index == len(body_paragraphs) - 1
    indices = [s.paragraph_index for s in sentences]
    assert indices == sorted(indices) and set(indices) == set(range(len(body_paragraphs)))
    for sentence in sentences:
        assert sentence.text in body_paragraphs[sentence.paragraph_index]


def test_plain_text_article_without_header_or_dateline():
    text = (
        "Pakistani officials deny offering safe havens to the Afghan Taliban. "
        "They say their influence on the group has waned.\n\n"
        "Khalilzad said last month he hoped a deal would be reached by April 2019.\n"
    )
    article = parse_article(text, doc_id="plain")
    assert article.date is None and article.body_start == 0
    sentences = Segmenter().segment(article)
    assert [(s.paragraph_index, s.text) for s in sentences] == [
        (0, "Pakistani officials deny offering safe havens to the Afghan Taliban."),
        (0, "They say their influence on the group has waned."),
        (1, "Khalilzad said last month he hoped a deal would be reached by April 2019."),
    ]
    assert not any(s.is_caption for s in sentences)
