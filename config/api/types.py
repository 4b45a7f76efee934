"""Input types for the API's schemas that match JSON Schema exactly (no strings or booleans passed off as numbers)."""

from typing import Annotated

from pydantic import BeforeValidator


def _whole_number(value):
    # JSON Schema's "integer" admits 3.0 but not "3" or true; pydantic's lax int admits all three.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a whole number")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("must be a whole number")
        return int(value)
    return value


WholeNumber = Annotated[int, BeforeValidator(_whole_number)]
