"""Near-duplicate fingerprints: one wire story from several outlets is one text; boilerplate never matches."""

from __future__ import annotations

import itertools
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from briefings import neardup
from briefings.neardup import Fingerprint, body_text, containment, fingerprint, is_near_duplicate, similarity

EVAL = Path(__file__).resolve().parents[3] / "shared" / "eval" / "cnndm-dev.jsonl"

WIRE = """\
ROTTERDAM, Netherlands (AP) — Dock workers at Europe's largest port walked off the job on Tuesday in a dispute \
over automation, leaving dozens of container ships waiting at anchor in the North Sea.
The strike, called by the FNV union after talks with terminal operators broke down late on Monday, halted \
loading at the four biggest container terminals in Rotterdam, port officials said.
About 7,000 workers are covered by the collective agreement, which expired in March. The union wants \
guarantees that no jobs will be cut as operators bring in self-driving cranes and remote-controlled \
straddle carriers over the next five years.
"We are not against new technology, but we will not let our members pay for it with their jobs," union \
spokesman Niek Stam told reporters outside the Maasvlakte terminal.
The port authority said 38 ships were waiting to enter the harbour by Tuesday afternoon and warned that \
delays could spread to Antwerp and Hamburg if the stoppage lasted more than two days.
The employers' association, Deltalinqs, called the walkout irresponsible and said it had offered a 4.5% \
pay rise and retraining for workers whose tasks are automated.
Rotterdam handled 13.4 million containers last year, about a third of them bound for Germany.
"""

# The same wire story on another outlet: its own headline, navigation, byline, share buttons, a newsletter
# box and a copyright line; light edits ("on Tuesday" -> "Tuesday", a changed word, a trimmed sentence).
OUTLET_COPY = """\
Home | World | Business | Markets | Tech | Opinion
Rotterdam dock strike strands ships as automation row escalates
By The Associated Press
Published 2:14 PM EDT
Share
Tweet
Email
ROTTERDAM, Netherlands (AP) — Dock workers at Europe's biggest port walked off the job Tuesday in a dispute \
over automation, leaving dozens of container ships waiting at anchor in the North Sea.
The strike, called by the FNV union after talks with terminal operators collapsed late Monday, halted \
loading at the four biggest container terminals in Rotterdam, port officials said.
About 7,000 workers are covered by the collective agreement, which expired in March. The union wants \
guarantees that no jobs will be cut as operators bring in self-driving cranes and remote-controlled \
straddle carriers over the next five years.
Advertisement
"We are not against new technology, but we will not let our members pay for it with their jobs," union \
spokesman Niek Stam told reporters outside the Maasvlakte terminal.
The port authority said 38 ships were waiting to enter the harbor by Tuesday afternoon and warned that \
delays could spread to Antwerp and Hamburg if the stoppage lasted more than two days.
The employers' association, Deltalinqs, called the walkout irresponsible and said it had offered a 4.5% \
pay rise and retraining for workers whose tasks are automated.
Sign up for our Morning Briefing newsletter to get the day's top stories in your inbox.
Read more: Shipping rates climb as Red Sea diversions continue
Copyright 2025 The Associated Press. All rights reserved.
"""

# The same event reported independently: same facts and quote, different writing.
OTHER_REPORT = """\
Rotterdam port brought to a standstill as dockers strike over robots
Ships queued off the Dutch coast on Tuesday after thousands of dockers in Rotterdam stopped work, the first \
large strike at the port in more than a decade.
Terminal operators had hoped to settle the row over automation before the weekend, but negotiations with the \
FNV union ended without a deal on Monday night.
At issue is the rollout of automated cranes and straddle carriers, which the union fears will cost hundreds \
of jobs. Union leader Niek Stam said members were "not against new technology" but would not pay for it with \
their jobs.
The employers have put a 4.5% wage increase on the table, along with retraining, and accuse the union of \
holding the economy hostage. Shippers said cargo could be rerouted to Antwerp or Hamburg within days.
By the afternoon, 38 vessels were waiting at anchor, according to the port authority, which handled more \
than 13 million containers last year.
"""

COOKIE_WALL = """\
We value your privacy
We use cookies and similar technologies to personalise content and ads, to provide social media features \
and to analyse our traffic. We also share information about your use of our site with our advertising and \
analytics partners. By clicking Accept all cookies, you agree to the storing of cookies on your device. \
You can change your choice at any time in the cookie settings at the bottom of every page. \
For more information, please read our privacy policy and our cookie policy.
Accept all
Manage preferences
"""

PAYWALL = """\
Subscribe to continue reading
You have reached your limit of free articles this month. Already a subscriber? Log in to continue reading. \
Subscribe today for unlimited access to award-winning journalism, our daily newsletter and the app. \
Cancel anytime. Subscribe now and get your first month free with a free trial. \
Your subscription helps to fund independent reporting. Sign in or create an account to keep reading.
"""


def _fp(text: str) -> Fingerprint:
    found = fingerprint(text)
    assert found is not None
    return found


def test_the_same_wire_story_from_another_outlet_is_a_near_duplicate() -> None:
    a, b = _fp(WIRE), _fp(OUTLET_COPY)
    assert is_near_duplicate(a, b) and is_near_duplicate(b, a)
    assert similarity(a, b) >= neardup.JACCARD
    assert set(a.bands()) & set(b.bands())  # a store finds one from the other by key


def test_the_boilerplate_is_not_part_of_the_body() -> None:
    body = body_text(OUTLET_COPY)
    for junk in ("Home |", "Share", "Advertisement", "newsletter", "Read more", "Copyright", "By The Associated"):
        assert junk not in body
    assert "Rotterdam dock strike strands ships" not in body  # the headline
    assert body.startswith("ROTTERDAM, Netherlands (AP) — Dock workers")


def test_two_reports_of_one_event_written_differently_are_not_near_duplicates() -> None:
    a, b, c = _fp(WIRE), _fp(OUTLET_COPY), _fp(OTHER_REPORT)
    assert not is_near_duplicate(a, c) and not is_near_duplicate(b, c)
    assert similarity(a, c) < 0.2


def test_boilerplate_only_bodies_get_no_fingerprint() -> None:
    assert fingerprint(COOKIE_WALL) is None
    assert fingerprint(PAYWALL) is None
    # a story page whose extraction is a short teaser and a paywall is not fingerprinted either
    assert fingerprint(WIRE.splitlines()[0] + "\n" + PAYWALL) is None
    assert fingerprint("") is None
    assert fingerprint("Too short to tell anything apart. " * 2) is None


def test_a_story_keeps_its_fingerprint_whatever_boilerplate_surrounds_it() -> None:
    wrapped = COOKIE_WALL + "\n" + WIRE + "\n" + PAYWALL
    assert similarity(_fp(WIRE), _fp(wrapped)) == 1.0


def test_a_trimmed_copy_is_contained_in_the_full_story() -> None:
    lines = WIRE.splitlines()
    trimmed = "\n".join(lines[: len(lines) - 2])  # the last two paragraphs cut, as outlets do
    full, short = _fp(WIRE), _fp(trimmed)
    assert short.size < full.size
    assert containment(short, full) > 0.9
    assert is_near_duplicate(short, full)


def test_fingerprints_round_trip_through_json() -> None:
    fp = _fp(WIRE)
    back = Fingerprint.from_json(fp.to_json())
    assert back == fp and back.bands() == fp.bands()
    assert len(fp.signature) == neardup.PERMUTATIONS
    assert len(fp.bands()) == neardup.BANDS and len(set(fp.bands())) == neardup.BANDS
    assert all(len(k) == 19 and int(k, 16) >= 0 for k in fp.bands())


def test_fingerprints_are_the_same_in_every_process() -> None:
    code = "import sys; from briefings.neardup import fingerprint; print(fingerprint(sys.stdin.read()).to_json())"
    outs = {
        subprocess.run(
            [sys.executable, "-c", code],
            input=WIRE,
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed, "PATH": ""},
        ).stdout.strip()
        for seed in ("1", "2")
    }
    assert outs == {_fp(WIRE).to_json()}


def test_fingerprints_of_other_schemes_never_compare() -> None:
    fp = _fp(WIRE)
    other = fp.model_copy(update={"scheme": fp.scheme + 1})
    assert similarity(fp, other) == 0.0 and not is_near_duplicate(fp, other)
    assert not set(fp.bands()) & set(other.bands())


def test_non_latin_text_is_fingerprinted() -> None:
    text = " ".join(f"Слово{i} и ещё одно слово номер {i}." for i in range(30))
    assert fingerprint(text) is not None


# ----- measured on the CNN/DM dev articles --------------------------------------------------------------------

_NAV = [
    "Home | World | Business | Politics | Tech | Sport",
    "Share",
    "Tweet",
    "Advertisement",
    "Read more: Top stories of the day",
    "© 2015 Example Media Group. All rights reserved.",
    "Sign up for our morning newsletter and get the news in your inbox.",
    "By Jane Doe, Staff Writer",
    "We use cookies to give you the best experience on our website.",
    "Related: More news from the region",
]


def _edited(text: str, rng: random.Random, rate: float = 0.05) -> str:
    """Another outlet's copy: ~``rate`` of the words deleted, replaced or added, other boilerplate and headline."""
    words = text.split(" ")
    vocab = [w for w in words if w.isalpha()]
    out: list[str] = []
    for w in words:
        r = rng.random()
        if r < rate / 3:
            continue
        if r < 2 * rate / 3:
            out.append(rng.choice(vocab))
            continue
        out.append(w)
        if r < rate:
            out.append(rng.choice(vocab))
    headline = " ".join(rng.sample(vocab, 9)).title()
    nav = rng.sample(_NAV, 6)
    return "\n".join([*nav[:2], headline, *nav[2:3], " ".join(out), *nav[3:]])


@pytest.fixture(scope="module")
def cnndm() -> list[str]:
    if not EVAL.is_file():
        pytest.skip("../shared/eval/cnndm-dev.jsonl is absent")
    with EVAL.open(encoding="utf-8") as fh:
        return [json.loads(line)["text"] for line in fh if line.strip()]


def _shingles(text: str) -> set[str]:
    words = neardup._body(text)[1]
    k = neardup.SHINGLE_WORDS
    return {" ".join(words[i : i + k]) for i in range(len(words) - k + 1)}


def test_no_two_different_cnndm_articles_are_near_duplicates(cnndm: list[str]) -> None:
    fps = [_fp(t) for t in cnndm]
    flagged = [(i, j) for i, j in itertools.combinations(range(len(fps)), 2) if is_near_duplicate(fps[i], fps[j])]
    # The set holds one story twice: an early version and its update with a new lead (88% of shingles shared).
    # Every flagged pair must be such a copy; reports that share a few paragraphs (up to 44%) are not flagged.
    for i, j in flagged:
        a, b = _shingles(cnndm[i]), _shingles(cnndm[j])
        assert len(a & b) / len(a | b) > 0.8, (i, j)
    assert len(flagged) <= 1


def test_edited_copies_of_cnndm_articles_are_found(cnndm: list[str]) -> None:
    rng = random.Random(20240611)
    found = candidates = 0
    for text in cnndm:
        a, b = _fp(text), fingerprint(_edited(text, rng))
        if b is not None:
            found += is_near_duplicate(a, b)
            candidates += bool(set(a.bands()) & set(b.bands()))
    assert found >= 0.97 * len(cnndm)
    assert candidates >= found
