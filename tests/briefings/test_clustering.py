"""Event clustering: same event joins, same kind of event does not, old stories stop absorbing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from briefings import clustering
from briefings.clustering import ArticleSignature, StoryProfile
from briefings.facts import extract_facts

T0 = datetime(2024, 3, 3, 9, 0, tzinfo=UTC)

NEWS = {
    "qeshm": (
        "Earthquake kills three on Iran's Qeshm island",
        "A magnitude 6.1 earthquake struck Qeshm island in southern Iran on Sunday, killing three people and "
        "injuring 38, Iranian state media reported.\nThe quake hit at 9:30 a.m. local time and was centred 40 km "
        "west of the port of Bandar Abbas, the Iranian Seismological Centre said.\nHundreds of mud-brick houses "
        "were damaged in the villages of Tonban and Kousha, and the Red Crescent sent tents and blankets to the "
        "island.\nQeshm governor Mohammad Reza Dehghani said rescue teams had reached all the affected villages.",
    ),
    "qeshm-relief": (
        "Red Crescent shelters Qeshm villagers after quake",
        "Relief workers handed out tents and food on Monday to villagers on Qeshm island whose homes were wrecked "
        "by Sunday's magnitude 6.1 earthquake.\nThe Red Crescent said 1,200 people in Tonban and Kousha spent the "
        "night outdoors, fearing aftershocks.\nGovernor Mohammad Reza Dehghani told state television that three "
        "people died and 38 were injured, and that the government would pay for rebuilding.\nEngineers were "
        "inspecting schools before classes resume.",
    ),
    "papua": (
        "Earthquake kills four in Indonesia's West Papua",
        "A magnitude 7.0 earthquake struck the Indonesian province of West Papua on Saturday, killing at least "
        "four people and damaging a hospital and dozens of homes, officials said.\nThe quake was centred 20 km "
        "from the town of Manokwari at a depth of 10 km, the U.S. Geological Survey said.\nResidents fled to "
        "higher ground fearing a tsunami, but no warning was issued.\nIndonesia's disaster agency spokesman "
        "Sutopo Purwo Nugroho said rescue teams were searching collapsed buildings.",
    ),
    "housing": (
        "Iran to build quake-proof homes in the south",
        "Iran's housing foundation will build 5,000 earthquake-resistant homes in Hormozgan province this year, "
        "officials said on Tuesday.\nThe programme covers villages on Qeshm island and along the coast near "
        "Bandar Abbas, where many houses are built of mud brick.\nThe foundation said the homes would be paid for "
        "by the state and finished within two years.\nIran sits on several major fault lines and suffers "
        "frequent earthquakes.",
    ),
    "phone-a": (
        "Apple unveils iPhone 15 with USB-C port",
        "Apple on Tuesday unveiled the iPhone 15 at its Cupertino headquarters, replacing its Lightning connector "
        "with a USB-C port.\nChief executive Tim Cook said the $799 phone would ship on September 22.\nThe Pro "
        "models get a titanium frame and a faster A17 Pro chip, Apple said.\nAnalysts said the switch to USB-C "
        "followed a European Union rule on common chargers.",
    ),
    "phone-b": (
        "Samsung launches Galaxy S24 with AI features",
        "Samsung Electronics on Wednesday launched the Galaxy S24 at an event in San Jose, California, betting "
        "on artificial intelligence features such as live call translation.\nThe phones start at $799 and go on "
        "sale on January 31, the company said.\nMobile chief TM Roh said Galaxy AI would reach 100 million "
        "devices this year.\nThe launch comes as Samsung fights Apple for the top spot in smartphone sales.",
    ),
}


def sig(name: str, at: datetime = T0) -> ArticleSignature:
    """The signature of one of the articles above, published at ``at``."""
    title, text = NEWS[name]
    return clustering.signature(title, text, extract_facts(text, title=title, published=at), at)


def story(*names: str, at: datetime = T0) -> StoryProfile:
    """A story made of the named articles."""
    return StoryProfile.of([sig(n, at) for n in names])


def test_two_different_earthquakes_are_two_stories() -> None:
    quake = story("qeshm")
    other = sig("papua", T0 + timedelta(hours=6))
    assert clustering.score(other, quake, other.published) < clustering.JOIN_THRESHOLD
    assert clustering.choose(other, [("qeshm", quake)], other.published) is None


def test_two_different_product_launches_are_two_stories() -> None:
    launch = story("phone-a")
    other = sig("phone-b", T0 + timedelta(days=1))
    assert clustering.choose(other, [("iphone", launch)], other.published) is None


def test_a_follow_up_from_another_angle_joins_its_story() -> None:
    candidates = [("papua", story("papua")), ("qeshm", story("qeshm")), ("iphone", story("phone-a"))]
    follow_up = sig("qeshm-relief", T0 + timedelta(days=1))
    assert clustering.choose(follow_up, candidates, follow_up.published) == "qeshm"


def test_an_old_story_does_not_absorb_a_loosely_related_article() -> None:
    quake = story("qeshm", "qeshm-relief")
    scores = []
    for days in (1, 5, 10, 30):
        later = sig("housing", T0 + timedelta(days=days))
        scores.append(clustering.score(later, quake, later.published))
    assert scores == sorted(scores, reverse=True) and scores[0] > scores[-1]
    late = sig("housing", T0 + timedelta(days=10))
    assert clustering.choose(late, [("qeshm", quake)], late.published) is None
    # ...while a close follow-up still joins a few days on
    follow_up = sig("qeshm-relief", T0 + timedelta(days=4))
    assert clustering.choose(follow_up, [("qeshm", story("qeshm"))], follow_up.published) == "qeshm"


def test_nothing_reaches_the_threshold_beyond_the_candidate_window() -> None:
    quake = story("qeshm")
    same = sig("qeshm", T0 + clustering.CANDIDATE_WINDOW + timedelta(hours=1))
    assert clustering.score(same, quake, same.published) < clustering.JOIN_THRESHOLD


def test_profile_add_remove_merge_round_trip_through_json() -> None:
    a, b, c = sig("qeshm"), sig("qeshm-relief", T0 + timedelta(days=1)), sig("papua", T0 + timedelta(days=2))
    profile = StoryProfile().add(a).add(b)
    loaded = StoryProfile.model_validate_json(profile.model_dump_json())
    assert loaded == profile
    assert loaded.count == 2 and loaded.first == T0 and loaded.last == T0 + timedelta(days=1)
    assert json.loads(profile.model_dump_json())["count"] == 2

    back = profile.add(c).remove(c)
    assert back.count == 2
    assert set(back.centroid) == set(profile.centroid)
    assert all(back.centroid[t] == pytest.approx(w, abs=1e-9) for t, w in profile.centroid.items())
    assert back.norm2 == pytest.approx(profile.norm2)
    assert profile.remove(b).remove(a).count == 0

    merged = clustering.merge(StoryProfile().add(a), StoryProfile().add(b).add(c))
    direct = StoryProfile.of([a, b, c])
    assert merged.count == 3 and set(merged.centroid) == set(direct.centroid)
    assert merged.norm2 == pytest.approx(direct.norm2)
    assert StoryProfile.model_validate_json(merged.model_dump_json()) == merged
    assert ArticleSignature.model_validate_json(a.model_dump_json()) == a


def test_a_profile_from_an_older_version_is_read_and_marked_for_rebuilding() -> None:
    old = '{"count": 2, "centroid": {"quak": 1.2}, "norm2": 2.5, "length2": 1.44, "facts": {"p:smith": 2}}'
    profile = StoryProfile.model_validate_json(old)
    assert profile.count == 2 and not profile.current()
    assert StoryProfile().add(sig("qeshm")).current()


def test_the_key_facts_weigh_half_of_an_articles_vector() -> None:
    a = sig("qeshm")
    facts = {k: w for k, w in a.terms.items() if ":" in k}
    assert "l:tonban" in facts and "n:6.1" in facts and "p:dehghani" in facts
    assert sum(w * w for w in facts.values()) == pytest.approx(0.5)
    assert sum(w * w for w in a.terms.values()) == pytest.approx(1.0)


def test_a_young_story_holding_two_events_splits_and_the_oldest_article_keeps_it() -> None:
    papua = clustering.signature(*NEWS["papua"])
    papua_later = clustering.signature(
        "Papua quake toll rises to six",
        "The death toll from Saturday's magnitude 7.0 earthquake in Indonesia's West Papua rose to six, the "
        "disaster agency said on Sunday.\nSpokesman Sutopo Purwo Nugroho said rescuers pulled two bodies from a "
        "collapsed hotel in Manokwari.\nThe U.S. Geological Survey said the quake was 10 km deep.",
    )
    members = [sig("qeshm"), papua, sig("qeshm-relief"), papua_later]
    vectors = [m.terms for m in members]
    assert clustering.split(vectors) == [1, 3]
    # one event is never split: four angles on the Qeshm quake
    aftershock = clustering.signature(
        "Aftershock rattles Qeshm island",
        "A magnitude 4.8 aftershock shook Qeshm island on Tuesday, two days after the earthquake that killed "
        "three people, Iran's Seismological Centre said.\nNo new damage was reported in Tonban or Kousha, where "
        "villagers are sleeping in Red Crescent tents.\nGovernor Mohammad Reza Dehghani urged residents to stay "
        "out of cracked houses.",
    )
    schools = clustering.signature(
        "Qeshm schools reopen after earthquake",
        "Schools on Iran's Qeshm island reopened on Wednesday after engineers checked buildings damaged by "
        "Sunday's magnitude 6.1 earthquake.\nClasses in Tonban will be held in tents, the education office said."
        "\nThe quake killed three people and injured 38 on the island near Bandar Abbas.",
    )
    same = [sig("qeshm"), sig("qeshm-relief"), aftershock, schools]
    assert clustering.split([m.terms for m in same]) is None
    # too small to tell (each half needs two articles)
    assert clustering.split(vectors[:3]) is None


def test_adding_an_article_costs_no_more_as_the_story_grows(monkeypatch: pytest.MonkeyPatch) -> None:
    """Count the entries add() and score() touch: bounded by the caps, whatever the story's size."""
    touched = 0
    real_dot = clustering._dot

    def counting_dot(a: dict[str, float], b: dict[str, float]) -> float:
        nonlocal touched
        touched += min(len(a), len(b))
        return real_dot(a, b)

    monkeypatch.setattr(clustering, "_dot", counting_dot)

    def article(i: int) -> ArticleSignature:
        terms = {f"t{(i * 61 + j) % 5000}": 0.125 for j in range(64)}  # mostly fresh terms, as in news
        terms.update({f"p:x{i}": 0.1, f"n:{i}": 0.1})
        return ArticleSignature(terms=terms)

    def cost(profile: StoryProfile, probe: ArticleSignature) -> int:
        nonlocal touched
        touched = 0
        clustering.score(probe, profile)
        grown = profile.add(probe)
        return touched + len(grown.centroid)  # copying the story's map is work too

    profile = StoryProfile()
    costs = {}
    for i in range(1, 5001):
        if i in (5, 50, 500, 5000):
            costs[i] = cost(profile, article(i))
        profile = profile.add(article(i))
        assert len(profile.centroid) <= 2 * clustering.STORY_TERMS
    assert profile.count == 5000
    bound = 3 * 66 + 3 * clustering.STORY_TERMS  # whatever the story's size
    assert all(c <= bound for c in costs.values()), costs
    assert costs[500] <= 2 * costs[5] and costs[5000] <= 2 * costs[5], costs


def test_an_article_finds_its_story_by_the_terms_both_weigh_most() -> None:
    quake = story("qeshm")
    indexed = clustering.index_terms(quake)
    assert len(indexed) == min(clustering.INDEX_TERMS, len(quake.centroid)) and "qeshm" in indexed
    query = clustering.query_terms(sig("qeshm-relief"))
    assert len(query) == clustering.QUERY_TERMS and query == sorted(query, key=lambda tw: -tw[1])
    shared = {t for t, _ in query} & set(indexed)
    assert {"qeshm", "p:dehghani"} <= shared
    assert not {t for t, _ in clustering.query_terms(sig("phone-a"))} & set(indexed)


def test_an_article_without_facts_or_time_still_clusters() -> None:
    title, text = NEWS["qeshm-relief"]
    bare = clustering.signature(None, text)
    assert clustering.choose(bare, [("qeshm", story("qeshm"))]) == "qeshm"


EVAL = Path(__file__).resolve().parents[3] / "shared" / "eval" / "clustering" / "ecbplus-dev.jsonl"


@pytest.mark.skipif(not EVAL.exists(), reason="../shared/eval is absent")
def test_dev_stream_beats_one_story_per_article() -> None:
    rows = [json.loads(line) for line in EVAL.read_text("utf-8").splitlines()[:120]]
    sigs = [clustering.signature(r.get("title") or None, r["text"]) for r in rows]
    profiles: dict[int, StoryProfile] = {}
    pred = []
    for s in sigs:
        key = clustering.choose(s, list(profiles.items()))
        if key is None:
            key = len(profiles)
            profiles[key] = StoryProfile()
        profiles[key] = profiles[key].add(s)
        pred.append(key)
    gold = [r["story"] for r in rows]
    assert len(set(gold)) / 2 < len(set(pred)) < 2 * len(set(gold))
