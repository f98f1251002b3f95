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


# Two Reuters/Ipsos sentences that an earlier credit pattern took for photo captions, as
# they appear: the end of an isot_reuters politicsNews article (one paragraph, trailing
# spaces included) and a paragraph of PolNeAR dev west-journal_2016-09-30_new-poll-shows-minor-post-debate.
IPSOS_ISOT = (
    "After the Democrats held their convention, Obama then rose by a few percentage points "
    "and again pulled ahead.  The Reuters/Ipsos poll was conducted online in English with "
    "about 962 likely voters.  "
)
IPSOS_POLNEAR = "The Reuters/Ipsos poll showed Clinton doing better than in other post-debate polls."


@pytest.mark.parametrize("paragraph", [IPSOS_ISOT, IPSOS_POLNEAR], ids=["isot", "polnear"])
def test_a_reuters_ipsos_sentence_is_not_a_caption(paragraph):
    sentences = Segmenter().segment(parse_article(paragraph, doc_id="poll"))
    assert not any(s.is_caption for s in sentences)
    assert sentences[-1].text.startswith("The Reuters/Ipsos poll")


@pytest.mark.parametrize(
    "credit, caption",
    [
        ("REUTERS/Kevin Lamarque/Files", True),
        ("REUTERS/Carlos Barria", True),
        ("REUTERS/Jonathan Ernst/File Photo", True),
        ("REUTERS/Mohamed al-Sayaghi", True),
        ("Reuters/Ipsos.", False),  # a poll named at the end of a sentence, not a credit
        ("REUTERS/Kevin Lamarque/Files said on Monday", False),  # not at the end
        ("REUTERS/One Two Three Four Five Six Seven", False),  # longer than any name
    ],
)
def test_credit_shape_at_the_end_of_a_paragraph(credit, caption):
    text = f"Protesters march in Washington, U.S., January 21, 2017. {credit}"
    sentences = Segmenter().segment(parse_article(text, doc_id="caption"))
    assert [s.is_caption for s in sentences] == [caption] * len(sentences)
    assert (len(sentences) == 1) == caption  # a caption is one record


@pytest.mark.parametrize(
    "dateline",
    [
        "WASHINGTON (Reuters) - ",
        "MARRAKESH, Morocco/CHICAGO (Reuters) - ",
        "LOUISVILLE, Ky. (Reuters) - ",
        "(Reuters) - ",
        "NEW YORK (IFR) - ",
        "LONDON - ",
    ],
)
def test_wire_datelines_are_left_out(dateline):
    text = f"{dateline}Pakistan said on Monday it would help."
    article = parse_article(text, doc_id="wire")
    assert text[: article.body_start] == dateline
    assert Segmenter().segment(article)[0].text == "Pakistan said on Monday it would help."


def test_a_sentence_opening_with_an_aside_keeps_its_start():
    text = "Pakistan – a key U.S. ally – said it would help.\n\nKhan agreed.\n"
    article = parse_article(text, doc_id="aside")
    assert article.body_start == 0
    assert Segmenter().segment(article)[0].text == "Pakistan – a key U.S. ally – said it would help."


@pytest.mark.parametrize(
    "paragraph, left, right",
    [
        ("“We will win.”The crowd cheered.", "“We will win.”", "The crowd cheered."),
        ('He said, "We will win."The crowd cheered.', 'He said, "We will win."', "The crowd cheered."),
        # Balanced before the mark, as in the seed: it opens the next sentence.
        (
            "“We will win,” he said.”We always do,” he added.",
            "“We will win,” he said.",
            "”We always do,” he added.",
        ),
    ],
)
def test_glued_quotation_mark_goes_with_the_quotation_it_belongs_to(paragraph, left, right):
    sentences = Segmenter().segment(parse_article(paragraph, doc_id="glued"))
    assert [s.text for s in sentences] == [left, right]


def test_trim_span_strips_whitespace_or_the_given_characters():
    from quotestance.segment import trim_span

    text = "  “We will,” he said. "
    assert trim_span(text, 0, len(text)) == (2, len(text) - 1)
    # The baseline's content edges also lose the punctuation around a reported clause.
    assert text[slice(*trim_span(text, 3, 11, chars=" ,.;:"))] == "We will"
    assert trim_span(text, 0, 2) is None and trim_span(" ,", 0, 2, chars=" ,") is None
