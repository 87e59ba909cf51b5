from __future__ import annotations

from datetime import date

import pytest

from bot.group.keys import (
    ALL_JOINERS_KEY,
    join_attempt_key,
    join_hash,
    lead_key,
    member_key,
    new_join_code,
    new_public_id,
)
from bot.reflections.receipts import (
    attempt_key,
    code_from_token,
    normalise_code,
    receipt_hash,
    stored_receipt,
    typed_receipt,
)
from bot.storage.models import HASH_LENGTH, PUBLIC_ID_LENGTH

SECRET = b"test-secret-0123456789abcdef"
DAY = date(2026, 12, 8)


def test_public_ids_are_random_and_fit_their_columns() -> None:
    ids = {new_public_id() for _ in range(200)}

    assert len(ids) == 200
    assert all(
        len(i) <= PUBLIC_ID_LENGTH and i.replace("-", "").replace("_", "").isalnum() for i in ids
    )


def test_lead_and_member_keys_belong_to_one_session() -> None:
    assert lead_key("s1", "m", secret=SECRET) == lead_key("s1", "m", secret=SECRET)
    assert lead_key("s1", "m", secret=SECRET) != lead_key("s2", "m", secret=SECRET)
    assert lead_key("s1", "m", secret=SECRET) != member_key("s1", "m", secret=SECRET)
    assert lead_key("s1", "m", secret=SECRET) != lead_key("s1", "m", secret=SECRET[::-1])
    # The separator keeps ("s1", "2m") and ("s12", "m") apart.
    assert member_key("s1", "2m", secret=SECRET) != member_key("s12", "m", secret=SECRET)


def test_a_join_code_is_receipt_shaped_and_kept_only_as_a_hash_of_the_doors_hash() -> None:
    token, digest = new_join_code(secret=SECRET)
    code = code_from_token(token, secret=SECRET)
    typed = typed_receipt(code, secret=SECRET)

    assert normalise_code(code) == code
    assert digest == join_hash(typed, secret=SECRET)
    assert digest != stored_receipt(typed, secret=SECRET)  # never a withdrawal's receipt hash
    assert digest != receipt_hash(code, secret=SECRET)
    assert code not in digest and len(digest) == 64


def test_join_attempt_keys_are_per_day_and_never_withdrawal_keys() -> None:
    key = join_attempt_key("m", secret=SECRET, day=DAY)

    assert key.startswith("j_") and len(key) == HASH_LENGTH
    assert key != join_attempt_key("m", secret=SECRET, day=date(2026, 12, 9))
    assert key[2:] != attempt_key("m", secret=SECRET, day=DAY)[2:]
    assert not ALL_JOINERS_KEY.startswith(("a_", "j_"))


def test_a_short_secret_is_refused() -> None:
    with pytest.raises(ValueError):
        lead_key("s1", "m", secret=b"short")
