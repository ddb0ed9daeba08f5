"""The Result and its Score (xAPI Data 2.4.5)."""

from __future__ import annotations

from typing import Self

from pydantic import model_validator

from leerpad.lrs.xapi.common import Duration, Extensions, XapiModel, custom_error


class Score(XapiModel):
    """Score (Data 2.4.5.1).

    "scaled": a decimal number between -1 and 1, inclusive; "raw": between "min" and
    "max" when they are present, inclusive; "min" less than "max".
    """

    scaled: float | None = None
    raw: float | None = None
    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _ranges(self) -> Self:
        if self.scaled is not None and not -1 <= self.scaled <= 1:
            raise custom_error("must be between -1 and 1, inclusive", "scaled")
        low, high = self.min, self.max
        if low is not None and high is not None and low >= high:
            raise custom_error('must be less than "max"', "min")
        if self.raw is not None:
            if low is not None and self.raw < low:
                raise custom_error('must not be less than "min"', "raw")
            if high is not None and self.raw > high:
                raise custom_error('must not be greater than "max"', "raw")
        return self


class Result(XapiModel):
    """Result (Data 2.4.5): score, success, completion, response, duration, extensions."""

    score: Score | None = None
    success: bool | None = None
    completion: bool | None = None
    response: str | None = None
    duration: Duration | None = None
    extensions: Extensions | None = None
