"""The actor table and source resolution across sentences."""

import pytest

from quotestance.actors import ActorTable, ActorTableError, default_table
from quotestance.speakers import anonymous, canonical, full_name, resolve_sources


@pytest.fixture(scope="module")
def table():
    return default_table()


def test_lookups_longest_match_and_case(table):
    assert table.lookup("Pakistan’s foreign ministry") == "PAK"
    assert table.lookup("Afghan Taliban militants") == "TALIBAN"  # longer than "Afghan"
    assert table.lookup("Afghan President Ashraf Ghani") == "AFG"
    assert table.lookup("the Kremlin") == "RUS"
    assert table.lookup("a White House spokeswoman") == "USA"
    assert table.lookup("NATO Secretary General") == "IGO"
    assert table.lookup("US officials") == "USA"
    assert table.lookup("some of us") == "OTHER"  # the pronoun is not the country
    assert table.lookup("an Indiana voter") == "OTHER"  # whole words only
    assert table.lookup("a market analyst") == "OTHER"
    assert table.lookup(None) == "NONE"
    assert table.lookup("  ") == "NONE"


def test_generic_official_takes_the_first_actor_of_the_context(table):
    context = "U.S. President Donald Trump asked Pakistan for help."
    assert table.lookup("The administration official", context=context) == "USA"
    assert table.lookup("a market analyst", context=context) == "OTHER"


def write(tmp_path, text):
    path = tmp_path / "actors.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_malformed_tables_name_file_and_line(tmp_path):
    path = write(tmp_path, "actors:\n  USA:\n    - Washington\n  usa:\n    - America\n")
    with pytest.raises(ActorTableError, match=r"actors.yaml, line 4: bad code 'usa'"):
        ActorTable.from_yaml(path)
    path = write(tmp_path, "actors:\n  USA:\n    - Washington\n  GBR:\n    - London\n    - Washington\n")
    with pytest.raises(
        ActorTableError, match=r"line 6: 'Washington' is listed under GBR and under USA \(line 3\)"
    ):
        ActorTable.from_yaml(path)
    path = write(tmp_path, "actors:\n  USA: Washington\n")
    with pytest.raises(ActorTableError, match="line 2: USA: expected a list of names"):
        ActorTable.from_yaml(path)
    path = write(tmp_path, "actors:\n  OTHER:\n    - anyone\n")
    with pytest.raises(ActorTableError, match="fallback code"):
        ActorTable.from_yaml(path)
    with pytest.raises(ActorTableError, match="not found"):
        ActorTable.from_yaml(tmp_path / "missing.yaml")


def test_user_table_with_a_lower_case_entry(tmp_path):
    table = ActorTable.from_yaml(write(tmp_path, "actors:\n  ACME:\n    - acme corp\n"))
    assert table.lookup("ACME Corp said") == "ACME"


def test_full_name_drops_titles(table):
    article = "U.S. President Donald Trump wrote. U.S. Defense Secretary Jim Mattis said. Trump said."
    assert full_name("Trump", article, table) == "Donald Trump"
    assert full_name("Mattis", article, table) == "Jim Mattis"
    assert full_name("the official", article, table) == "the official"


def test_pronouns_floating_and_definite_sources_resolve(table):
    sentences = [
        {
            "text": "U.S. President Donald Trump asked for help, "
            "a senior Trump administration official said.",
            "source": "a senior Trump administration official",
            "quote_type": "indirect",
        },
        {"text": "The official said more.", "source": "The official", "quote_type": "indirect"},
        {
            "text": "Last month, Trump said Pakistan does nothing.",
            "source": "Trump",
            "quote_type": "indirect",
        },
        {"text": "A caption. REUTERS/Someone", "source": None, "quote_type": "none", "is_caption": True},
        {"text": "He defended cutting aid.", "source": "He", "quote_type": "indirect"},
        {
            "text": "“We want peace,” Pakistan’s foreign ministry said.",
            "source": "Pakistan’s foreign ministry",
            "quote_type": "direct",
        },
        {"text": "It added more.", "source": "It", "quote_type": "indirect"},
        {"text": "“It is time.”", "source": None, "quote_type": "direct"},
        {"text": "Nothing here.", "source": None, "quote_type": "none"},
    ]
    results = resolve_sources(sentences, table)
    resolved = [r["source_resolved"] for r in results]
    assert resolved == [
        "senior Trump administration official",
        "senior Trump administration official",
        "Donald Trump",
        None,
        "Donald Trump",
        "Pakistan foreign ministry",
        "Pakistan foreign ministry",
        "Pakistan foreign ministry",
        None,
    ]
    assert [r["source_actor"] for r in results] == [
        "USA",
        "USA",
        "USA",
        "NONE",
        "USA",
        "PAK",
        "PAK",
        "PAK",
        "NONE",
    ]


def test_other_articles_never_resolve_each_other(table):
    sentences = [
        {"text": "Trump said so.", "source": "Trump", "quote_type": "indirect", "doc_id": "a"},
        {"text": "He said so.", "source": "He", "quote_type": "indirect", "doc_id": "b"},
    ]
    assert resolve_sources(sentences, table)[1]["source_resolved"] == "He"


def test_an_unclosed_quotation_falls_back_to_the_speaker_before_it(table):
    sentences = [
        {
            "text": "Zalmay Khalilzad said talks would go on.",
            "source": "Zalmay Khalilzad",
            "quote_type": "indirect",
        },
        # Opens a quotation that never closes, and the next sentence names no one.
        {"text": "“We will keep talking", "source": None, "quote_type": "direct"},
        {"text": "Nothing here.", "source": None, "quote_type": "none"},
        {
            "text": "Pakistan’s foreign ministry said it disagreed.",
            "source": "Pakistan’s foreign ministry",
            "quote_type": "indirect",
        },
    ]
    results = resolve_sources(sentences, table)
    # The last speaker before the quotation, not the last one of the article.
    assert results[1]["source_resolved"] == "Zalmay Khalilzad"
    assert results[1]["source_actor"] == "USA"
    assert results[3]["source_resolved"] == "Pakistan foreign ministry"


def test_an_unclosed_quotation_takes_the_speaker_named_where_it_closes(table):
    sentences = [
        {"text": "Trump said so.", "source": "Trump", "quote_type": "indirect"},
        {"text": "“We will keep talking", "source": None, "quote_type": "direct"},
        {"text": "and we will win,” Mattis said.", "source": "Mattis", "quote_type": "direct"},
    ]
    assert resolve_sources(sentences, table)[1]["source_resolved"] == "Mattis"


def test_anonymous_sources():
    assert anonymous("a senior Trump administration official")
    assert anonymous("two U.S. officials")
    assert anonymous("sources familiar with the matter")
    assert anonymous("people familiar with the talks")
    assert anonymous("Afghan Taliban militants")
    assert not anonymous("State Department spokeswoman Heather Nauert")
    assert not anonymous("Trump")
    assert not anonymous(None)


def test_anonymous_follows_whom_the_source_resolves_to(table):
    sentences = [
        {
            "text": "A senior official said the talks failed.",
            "source": "A senior official",
            "quote_type": "indirect",
        },
        {"text": "He added that more was needed.", "source": "He", "quote_type": "indirect"},
        {"text": "“It is time.”", "source": None, "quote_type": "direct"},
        {"text": "Trump said so.", "source": "Trump", "quote_type": "indirect"},
        {"text": "He left.", "source": "He", "quote_type": "indirect"},
        {"text": "Nothing here.", "source": None, "quote_type": "none"},
    ]
    assert [r["anonymous"] for r in resolve_sources(sentences, table)] == [
        True,
        True,
        True,
        False,
        False,
        False,
    ]


def test_canonical_names():
    assert canonical("The Pakistan’s foreign ministry.") == "Pakistan foreign ministry"
    assert canonical("  a  senior   official, ") == "senior official"
    assert canonical("U.S. officials") == "U.S. officials"  # punctuation inside a name stays
    assert canonical(None) == ""


def test_the_project_table_codes_every_state_by_name_demonym_and_capital():
    from quotestance.actors import default_table, world_entries

    table = default_table()
    world = world_entries()
    assert len({code for code in world.values()}) >= 240  # every ISO state and territory
    for source, code in [
        ("Colombian President Juan Manuel Santos", "COL"),
        ("Peru's foreign ministry", "PER"),
        ("Islamabad", "PAK"),
        ("Bogota", "COL"),
        ("officials in Canberra", "AUS"),
        ("the Kremlin", "RUS"),
        ("EU officials", "IGO"),
    ]:
        assert table.lookup(source) == code, source
    # Hand entries win over world names, and ambiguous world names are left out.
    assert table.lookup("Rep. Jim Jordan") == "USA"
    assert table.lookup("Georgia Governor Nathan Deal") == "OTHER"


def test_a_table_without_world_stays_as_written(tmp_path):
    path = tmp_path / "actors.yaml"
    path.write_text("actors:\n  ZZZ:\n    - Zed\n")
    assert ActorTable.from_yaml(path).lookup("Peru") == "OTHER"
    path.write_text("world: atlas\nactors:\n  ZZZ:\n    - Zed\n")
    with pytest.raises(ActorTableError, match="world: 'atlas' is not a known source"):
        ActorTable.from_yaml(path)


def test_stance_target_is_the_first_other_actor_in_the_content():
    from quotestance.actors import default_table
    from quotestance.speakers import stance_target

    table = default_table()
    text = "Trump said Pakistan doesn't do a damn thing for the United States."
    content = [{"start": 11, "end": 65}]
    assert stance_target(text, content, "USA", "conflictual", table=table) == "PAK"
    assert stance_target(text, content, "USA", "neutral", table=table) is None
    assert (
        stance_target("He praised the deal.", [], "USA", "cooperative", "Talks with Mexico went well.", table)
        == "MEX"
    )  # from the previous sentence when the sentence names no one


def test_unnamed_legislators_take_the_article_actor_and_names_their_title(table):
    from quotestance.actors import default_table

    world = default_table()
    lead = "The Trump administration briefed staff on Saudi Arabia, congressional aides said."
    assert world.lookup("congressional aides", context="", sentence=lead) == "USA"
    assert world.lookup("Russian lawmakers", context=lead) == "RUS"  # a named state wins over the context
    items = [
        {"text": "U.S. Ambassador Woody Johnson opened the embassy.", "source": None, "quote_type": "none"},
        {"text": "It is a new era, Johnson said.", "source": "Johnson", "quote_type": "direct"},
    ]
    assert resolve_sources(items, world)[1] == {
        "source_resolved": "Woody Johnson",
        "source_actor": "USA",
        "anonymous": False,
    }


def test_full_name_drops_appositions_role_nouns_and_never_crosses_a_sentence(table):
    article = (
        "U.S. Energy Secretary Rick Perry spoke. Officials met at the White House. Russia said no. "
        "Thomas Cochran, a partner, agreed."
    )
    assert full_name("U.S. Energy Secretary Rick Perry", article, table) == "Rick Perry"
    assert full_name("Cochran, who is a scientist", article, table) == "Thomas Cochran"
    assert full_name("Woody Johnson, Trump’s appointed U.S. ambassador", article, table) == "Woody Johnson"
    assert (
        full_name("National Mining Association spokesperson Luke Popovich", article, table) == "Luke Popovich"
    )
    assert full_name("Russia", article, table) == "Russia"  # not "White House. Russia"
    assert full_name("President-elect Donald Trump", article, table) == "Donald Trump"


def test_a_relative_pronoun_tagged_with_the_source_is_not_part_of_the_name(table):
    assert (
        full_name("who Washington", "U.S. officials have long been pushing Pakistan.", table) == "Washington"
    )
    assert full_name("who", "He said so.", table) == "who"  # a pronoun alone is kept for resolution
