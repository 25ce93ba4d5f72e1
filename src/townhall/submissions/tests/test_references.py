"""Runner issue (submissions): references look like POT-7K3F-9QX2, use no characters people
confuse, and are drawn from `secrets` (collisions are retried: test_submission_create.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from townhall.submissions.references import ALPHABET, REFERENCE_RE, reference_generate


@given(st.sampled_from(["POT", "BIN", "AB", "FOIRQ"]))
def test_a_reference_has_the_prefix_and_two_groups_of_four(prefix):
    reference = reference_generate(prefix=prefix)
    assert REFERENCE_RE.match(reference)
    assert reference.startswith(f"{prefix}-")
    assert len(reference) == len(prefix) + 10


def test_the_alphabet_has_no_confusable_characters():
    assert not set("0O1IL U") & set(ALPHABET)
    assert len(set(ALPHABET)) == len(ALPHABET) == 30


def test_references_do_not_repeat():
    drawn = {reference_generate(prefix="POT") for _ in range(5000)}
    assert len(drawn) == 5000
