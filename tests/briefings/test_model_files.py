"""The packed tagger files: what is written loads back as the same packed weights."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from briefings.errors import ModelFileError
from briefings.nlp.model_files import load_packed, save_packed
from briefings.nlp.perceptron import Scorer
from briefings.nlp.scoring import Packed


def test_weights_and_header_round_trip(tmp_path: Path) -> None:
    classes = ["O", "B-PER", "I-PER"]
    weights = {
        "w=tokyo": [0.5, -1.25, 0.0],
        "b+=a|b|c": [-0.01, 0.02, -21474.83],  # negative fields borrow from the next one when packed
        "bias": [3.0, 0.0, -3.0],
        "zero=x": [0.001, -0.004, 0.0],  # rounds to nothing: left out
    }
    path = tmp_path / "m.bin.gz"
    save_packed(path, classes, weights.items(), {"two_pass": True, "lexicon": {"labels": {"tokyo": "LOC|3"}}})
    packed, header = load_packed(path)
    assert packed.weights == {k: v for k, v in Packed.from_scorer(Scorer(classes, weights)).weights.items() if v}
    assert "zero=x" not in packed.weights
    assert header == {"classes": classes, "two_pass": True, "lexicon": {"labels": {"tokyo": "LOC|3"}}}
    assert packed.unpack(packed.weights["b+=a|b|c"]) == [-0.01, 0.02, -21474.83]
    assert packed.best(packed.total(["w=tokyo", "bias"]), packed.everything) == 0


def test_a_file_that_is_not_a_packed_model_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "m.json.gz"
    path.write_bytes(gzip.compress(b'{"classes": ["O"], "weights": {}}'))
    with pytest.raises(ModelFileError, match="not a packed model file"):
        load_packed(path)
    good = tmp_path / "good.bin.gz"
    save_packed(good, ["O", "B-LOC"], [("w=paris", [0.0, 1.0])])
    raw = gzip.decompress(good.read_bytes())
    cut = tmp_path / "cut.bin.gz"
    cut.write_bytes(gzip.compress(raw[:-2]))
    with pytest.raises(ModelFileError, match="truncated"):
        load_packed(cut)
