"""Tests of the offline tokenizer, entity tagger and chunker (briefings.nlp)."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefings.models import Entity
from briefings.nlp import Analysis, analyze, tag_entities, tokenize

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "eval"

MEETING = (
    "Secretary of State Marco Rubio and Defense Secretary Pete Hegseth were set to meet with "
    "Foreign Minister Takeshi Iwaya and Defense Minister Gen Nakatani"
)


def texts(text: str) -> list[str]:
    """Return the token texts of ``text``."""
    return [t.text for t in tokenize(text)]


def found(entities: list[Entity], kind: str) -> list[str]:
    """Return the texts of the entities of one type."""
    return [e.text for e in entities if e.type == kind]


# ----------------------------------------------------------------------------- tokenizer


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the U.S. said", ["the", "U.S.", "said"]),
        ("up 3.5% on", ["up", "3.5", "%", "on"]),
        ("a $1.2bn deal", ["a", "$", "1.2bn", "deal"]),
        ("Japan’s economy", ["Japan", "’s", "economy"]),
        ("Japan's economy", ["Japan", "'s", "economy"]),
        ("the Indo-Pacific region", ["the", "Indo-Pacific", "region"]),
        ("“Hello,” she said.", ["“", "Hello", ",", "”", "she", "said", "."]),
        ('He said "no".', ["He", "said", '"', "no", '"', "."]),
        ("2+2 is 4", ["2+2", "is", "4"]),
        ("don't stop", ["do", "n't", "stop"]),
        ("the parents' votes", ["the", "parents", "'", "votes"]),
        ("Mr. Smith (AP) — yes...", ["Mr.", "Smith", "(", "AP", ")", "—", "yes", "..."]),
        ("1,200.5 tonnes; 10:30", ["1,200.5", "tonnes", ";", "10:30"]),
        ("Japan 's team", ["Japan", "'s", "team"]),
    ],
)
def test_tokenize_splits_like_conll(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


def test_token_offsets_point_into_the_text() -> None:
    text = "  Japan’s “Prime Minister”\n  paid $1.2bn (3.5%) to the U.S.-led fund...  "
    tokens = tokenize(text)
    assert tokens
    for tok in tokens:
        assert text[tok.start : tok.end] == tok.text
    assert [t.start for t in tokens] == sorted(t.start for t in tokens)


def test_tokenize_empty_text() -> None:
    assert tokenize("") == []
    assert tag_entities("   \n ") == []


# ----------------------------------------------------------------------------- entities


def test_finds_the_four_people_of_a_meeting() -> None:
    people = found(tag_entities(MEETING), "person")
    assert people == ["Marco Rubio", "Pete Hegseth", "Takeshi Iwaya", "Gen Nakatani"]


def test_entity_text_matches_offsets() -> None:
    text = "Japanese Prime Minister Shigeru Ishiba met Donald Trump in Washington on Friday."
    entities = tag_entities(text)
    assert entities
    for e in entities:
        assert isinstance(e, Entity)
        assert text[e.start : e.end] == e.text


def test_prime_minister_and_nationality() -> None:
    entities = tag_entities("Japanese Prime Minister Shigeru Ishiba said talks would continue.")
    assert found(entities, "person") == ["Shigeru Ishiba"]
    assert "Japanese" not in found(entities, "person")


def test_possessive_is_not_part_of_the_name() -> None:
    entities = tag_entities("President Donald Trump’s administration wants Japan to pay more.")
    assert found(entities, "person") == ["Donald Trump"]
    assert found(entities, "place") == ["Japan"]


def test_newspaper_alliance_capital_and_region() -> None:
    text = (
        "The Financial Times reported that NATO allies met in Washington to discuss "
        "security in the Indo-Pacific."
    )
    entities = tag_entities(text)
    by_text = {e.text: e.type for e in entities}
    assert by_text.get("Financial Times") == "organization" or (
        by_text.get("The Financial Times") == "organization"
    )
    assert by_text.get("NATO") == "organization"
    assert by_text.get("Washington") == "place"
    assert by_text.get("Indo-Pacific") in ("place", "misc")


@pytest.mark.parametrize("heading", ["Overview of the Situation", "Conclusion", "Background"])
def test_heading_lines_are_not_entities(heading: str) -> None:
    text = f"{heading}\nJapan and the United States agreed to deepen cooperation.\n"
    entities = tag_entities(text)
    assert not [e for e in entities if e.start < len(heading)]
    assert {e.text for e in entities} >= {"Japan", "United States"}


@pytest.mark.parametrize(
    ("headline", "places"),
    [
        ("Japan, US Agree to Boost Defense Ties Amid China Tensions", {"Japan", "China"}),
        ("Trump Says Japan Must Pay More for Defense", {"Japan"}),
    ],
)
def test_title_case_headline(headline: str, places: set[str]) -> None:
    entities = tag_entities(headline)
    assert set(found(entities, "place")) >= places
    for e in entities:
        assert not {"Agree", "Ties", "Amid", "Tensions", "Says", "Must", "Pay"} & set(e.text.split())


def test_all_caps_headline() -> None:
    entities = tag_entities("JAPAN AND CHINA AGREE TO RESUME TALKS IN BEIJING")
    assert set(found(entities, "place")) >= {"JAPAN", "BEIJING"}


def test_lower_cased_text_does_not_explode() -> None:
    entities = tag_entities("the meeting was held on monday and the results were good.")
    assert entities == []


# ----------------------------------------------------------------------------- analysis


def test_analyze_aligns_tokens_and_tags() -> None:
    text = "The Financial Times reported that NATO allies met in Washington."
    a = analyze(text)
    assert isinstance(a, Analysis)
    n = len(a.tokens)
    assert len(a.pos) == len(a.chunks) == len(a.ner) == n
    assert a.pos[0] == "DT" and a.pos[-1] == "."
    assert a.pos[a.ner.index("B-LOC")] == "NNP"
    phrases = [text[s:e] for s, e in a.noun_phrases]
    assert "The Financial Times" in phrases
    assert "Washington" in phrases
    assert [e.text for e in a.entities] == [e.text for e in tag_entities(text)]


def test_analyze_empty_text() -> None:
    a = analyze("")
    assert a.tokens == [] and a.entities == [] and a.noun_phrases == []


def test_models_are_small_and_shipped() -> None:
    data = Path(__file__).resolve().parents[2] / "briefings" / "data"
    models = list(data.glob("tagger-*"))
    assert {m.name for m in models} >= {
        "tagger-ner.bin.gz",
        "tagger-pos.bin.gz",
        "tagger-chunk.bin.gz",
    }
    assert sum(m.stat().st_size for m in models) <= 20_000_000


# ----------------------------------------------------------------------------- benchmark

SYNTHETIC = """-DOCSTART- -X- -X- O

Maria NNP B-NP B-PER
Lopez NNP I-NP I-PER
visited VBD B-VP O
Madrid NNP B-NP B-LOC
. . O O

She PRP B-NP O
works VBZ B-VP O
for IN B-PP O
Acme NNP B-NP B-ORG
Corp NNP I-NP I-ORG
in IN B-PP O
Lisbon NNP B-NP B-LOC
. . O O
"""


def test_benchmark_scores_a_small_file(tmp_path: Path) -> None:
    from bench.quality.entities import format_table, run

    (tmp_path / "conll2003").mkdir()
    (tmp_path / "conll2003" / "valid.txt").write_text(SYNTHETIC, encoding="utf-8")
    result = run(tmp_path, in_process=True)
    assert result["docs"] == 1
    assert result["micro"]["tp"] + result["micro"]["fn"] == 4
    assert result["person"]["tp"] == 1
    assert 0.0 <= result["micro"]["f1"] <= 1.0
    assert "micro" in format_table(result)


def test_benchmark_skips_without_data(tmp_path: Path) -> None:
    from bench.quality.entities import run

    assert "skipped" in run(tmp_path / "missing", in_process=True)


# ----------------------------------------------------------------------------- CoNLL valid


def test_conll_valid_meets_the_targets() -> None:
    if not (DATA / "conll2003" / "valid.txt").is_file():
        pytest.skip("CoNLL-2003 data not available")
    from bench.quality.entities import run

    result = run(DATA, in_process=True)
    assert result["micro"]["f1"] >= 0.85
    assert result["person"]["f1"] >= 0.90


# ----------------------------------------------------------------------------- caches


CACHE_TEXT = (
    "ATLANTA -- The Atlanta Hawks beat the Cleveland Cavaliers on Friday. "
    "Hawks coach Mike Budenholzer said the Hawks were tired.\n"
    "Residents of Southern California were told to conserve water, officials in Sacramento said.\n"
    "Trump Says Japan Must Pay More for Defense\n"
    "Prosecutor Brice Robin told reporters in Marseille that 150 people died in the Alps."
)


def _reference_ner(sentences: list[list[str]]) -> list[list[str]]:
    """Tag with the feature strings of briefings.nlp.features summed one by one (no caches)."""
    from briefings.nlp import features as F
    from briefings.nlp import tagger as T

    ner = T.ner_tagger()
    packed, lex = ner.packed, ner.lex
    cased = [T.truecase_heading(w, lex) for w in sentences]
    casing = F.document_casing(cased)
    static = [[packed.total(f) for f in F.ner_static_features(w, lex, casing)] for w in cased]

    def decode(doc: dict[str, list[str]] | None) -> list[list[str]]:
        history: dict[str, str] = {}
        out = []
        for words, st in zip(cased, static, strict=True):
            tags: list[str] = []
            prev, prev2, prev_i = "<s>", "<s>", len(packed.classes)
            for i, w in enumerate(words):
                feats = F.ner_dynamic_features(w, prev, prev2, history)
                if doc is not None:
                    feats += F.doc_token_features(w, F.norm(w), doc)
                best = packed.best(st[i] + packed.total(feats), packed.allowed[prev_i])
                tags.append(packed.classes[best])
                prev2, prev, prev_i = prev, packed.classes[best], best
            F.update_history(history, words, tags)
            out.append(tags)
        return out

    tags = decode(None)
    if ner.two_pass:
        tags = decode(F.document_features(cased, tags))
    return [
        T.retype_known_phrases(w, T.drop_heading_guesses(w, T.split_titles(w, t, lex), lex), lex)
        for w, t in zip(sentences, tags, strict=True)
    ]


def _sentence_words(text: str) -> list[list[str]]:
    """Return the token texts of each sentence of ``text``, as the taggers see them."""
    from briefings.nlp import tagger as T

    tokens = tokenize(text)
    return [[t.text for t in tokens[a:b]] for a, b in T._sentences(text, tokens)]


def test_cached_ner_scores_equal_the_feature_sums() -> None:
    from briefings.nlp import tagger as T

    sentences = _sentence_words(CACHE_TEXT)
    expected = _reference_ner(sentences)
    ner = T.ner_tagger()
    assert ner.tag_document(sentences) == expected  # caches filled now
    assert ner.tag_document(sentences) == expected  # and read


def test_cached_ner_scores_equal_the_feature_sums_on_dev_articles() -> None:
    # Whole documents: the history and the second pass see many sentences (the first 100
    # CNN/DM dev articles caught a "<s1>" bigram looked up under its norm "<s0>").
    import json

    from briefings.nlp import tagger as T

    path = DATA / "cnndm-dev.jsonl"
    if not path.is_file():
        pytest.skip("CNN/DM dev data not available")
    lines = path.read_text(encoding="utf-8").splitlines()[:100]
    ner = T.ner_tagger()
    for line in lines:
        sentences = _sentence_words(json.loads(line)["text"])
        assert ner.tag_document(sentences) == _reference_ner(sentences)


def test_cached_pos_and_chunk_tags_equal_the_feature_sums() -> None:
    from briefings.nlp import features as F
    from briefings.nlp import tagger as T

    for tagger, kind in ((T.pos_tagger(), "pos"), (T.chunk_tagger(), "chunk")):
        packed = tagger.packed
        for words in _sentence_words(CACHE_TEXT):
            pos = T.pos_tagger().tag(words) if kind == "chunk" else None
            static = F.pos_static_features(words) if pos is None else F.chunk_static_features(words, pos)
            expected: list[str] = []
            prev, prev2, prev_i = "<s>", "<s>", len(packed.classes)
            for i, w in enumerate(words):
                feats = static[i] + F.seq_dynamic_features(w, prev, prev2, pos[i] if pos else "")
                cands = packed.allowed[prev_i] if pos else packed.everything
                best = packed.best(packed.total(feats), cands)
                expected.append(packed.classes[best])
                prev2, prev, prev_i = prev, packed.classes[best], best
            assert tagger.tag(words, pos) == expected
            assert tagger.tag(words, pos) == expected


def test_tag_entities_with_given_tokens_is_the_same() -> None:
    assert tag_entities(CACHE_TEXT, tokenize(CACHE_TEXT)) == tag_entities(CACHE_TEXT)


# ----------------------------------------------------------------------------- training statistics


def test_wiki_words_describe_the_use_of_a_word_in_names() -> None:
    from briefings.nlp import features as F

    sentences = [
        (["the", "Labour", "Party", "won"], ["O", "B-ORG", "I-ORG", "O"]),
        (["a", "party", "in", "Paris"], ["O", "O", "O", "B-LOC"]),
        (["the", "Green", "Party", "lost"], ["O", "B-ORG", "I-ORG", "O"]),
    ]
    words = F.build_wiki_words(sentences)
    assert words["party"] == "ORGL|mid|2"  # last word of two names, once outside one
    assert words["paris"] == "LOCU|hi|1"
    assert "the" not in words


def test_word_clusters_group_words_used_alike_and_are_deterministic() -> None:
    from briefings.nlp import clusters as C

    sentences = [
        [city, "beat", team, "on", day]
        for city in ("Leeds", "Wigan", "Hull", "Derby")
        for team in ("Leeds", "Wigan", "Hull", "Derby")
        for day in ("Monday", "Tuesday", "Friday")
    ] + [["shares", "rose", "on", day] for day in ("Monday", "Tuesday", "Friday")] * 4
    vectors = C.context_vectors(sentences, min_count=2)
    paths = C.cluster_paths(vectors, seed=1, branch=2, depth=3, min_split=2)
    assert paths == C.cluster_paths(vectors, seed=1, branch=2, depth=3, min_split=2)
    assert len({paths[w] for w in ("leeds", "wigan", "hull", "derby")}) == 1
    assert len({paths[w] for w in ("monday", "tuesday", "friday")}) == 1
    assert paths["leeds"] != paths["monday"]


def test_shape_window_names_the_neighbour_shapes() -> None:
    from briefings.nlp import features as F

    assert F.shape_window("d", "Xx", "d") == "sw=d|Xx|d"
    feats = F.ner_static_features(["Leeds", "2", "Hull", "1"], F.Lexicon())
    assert "sw=d|Xx|d" in feats[2]
