"""Wording every face shares: the 'Try X or Y.' sentence that offers a face's own commands for the core's hints."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from briefings.errors import Hint


def try_sentence(hints: Iterable[Hint], commands: Mapping[Hint, str], notes: Mapping[Hint, str], quote: str) -> str:
    """Return 'Try <q>cmd<q> note or <q>cmd<q>.' for the hints, each once, in order ('' when there are none)."""
    forms = dict.fromkeys(f"{quote}{commands[h]}{quote}" + (f" {notes[h]}" if h in notes else "") for h in hints)
    return f"Try {' or '.join(forms)}." if forms else ""
