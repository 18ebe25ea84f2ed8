"""The Trust Fund card: target, announcement, money received and the gap, from the dated observations of the
``trust_fund`` layer."""

from __future__ import annotations

import pandas as pd


def trust_fund_status(trust_fund: pd.DataFrame) -> dict:
    """What the Trust Fund card says, from the dated observations of the ``trust_fund`` layer.

    Returns target_usd, announced (date), received_usd and received_as_of (the latest observation that gives
    a received amount), gap_usd, latest (the latest observation: date, status, quote, sources) and
    observations (all, oldest first). Nothing is inferred: a date without a received figure does not count
    as a received figure.
    """
    tf = trust_fund.assign(_order=trust_fund["date"].astype(str)).sort_values("_order", kind="stable")
    target = pd.to_numeric(tf["target_usd"], errors="coerce").dropna()
    received = tf[pd.to_numeric(tf["received_usd"], errors="coerce").notna()]
    announced = tf[tf["status"] == "announced"]
    latest = tf.iloc[-1]
    target_usd = float(target.iloc[-1]) if len(target) else None
    received_usd = float(received["received_usd"].iloc[-1]) if len(received) else None

    def obs(row: pd.Series) -> dict:
        return {
            "date": str(row["date"]),
            "event": str(row["event"]),
            "status": str(row["status"]),
            "quote": "" if pd.isna(row.get("quote")) else str(row.get("quote")),
            "sources": str(row["sources"]).split(),
        }

    return {
        "target_usd": target_usd,
        "announced": str(announced["date"].iloc[0]) if len(announced) else None,
        "received_usd": received_usd,
        "received_as_of": str(received["date"].iloc[-1]) if len(received) else None,
        "received_sources": str(received["sources"].iloc[-1]).split() if len(received) else [],
        "gap_usd": (target_usd - received_usd) if target_usd is not None and received_usd is not None else None,
        "latest": obs(latest),
        "observations": [obs(r) for _, r in tf.iterrows()],
    }
