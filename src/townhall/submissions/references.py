"""Submission references: unique, unguessable, and easy to read out over the phone.

`POT-7K3F-9QX2`: the pattern's prefix, then 8 characters from an alphabet without the characters
people confuse (0/O, 1/I/L) or that spell words by accident (U), drawn with `secrets`. 30^8 is
about 6.6 × 10^11 references per prefix, so guessing one is hopeless and collisions are rare
(and retried: the database enforces uniqueness).
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
_LENGTH = 8
REFERENCE_RE = re.compile(rf"^[A-Z]{{2,5}}-[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}$")


def reference_generate(*, prefix: str) -> str:
    code = "".join(secrets.choice(ALPHABET) for _ in range(_LENGTH))
    return f"{prefix}-{code[:4]}-{code[4:]}"
