"""API tokens for the API's tests: made by the same service as on the tokens page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from fairplanner.accounts import apitokens
from fairplanner.accounts.models import TokenScope


@pytest.fixture
def make_token(db: Any) -> Callable[..., dict[str, str]]:
    """make_token(user, write=True) -> the Authorization header of a new token of `user`."""

    def make(user: Any, *, write: bool = True, lifetime_days: int | None = 90) -> dict[str, str]:
        _token, secret = apitokens.create_token(
            user,
            name="test",
            scope=TokenScope.WRITE if write else TokenScope.READ,
            lifetime_days=lifetime_days,
        )
        db.session.commit()
        return {"Authorization": f"Bearer {secret}"}

    return make
