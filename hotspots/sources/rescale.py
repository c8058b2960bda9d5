"""Put keyword batches on one scale through a shared anchor keyword. Pure pandas.

Google Trends compares at most five keywords per request and scales every
request on its own (its highest cell is 100). So the keywords go out in batches
of the anchor plus up to four others. The anchor's interest is the same in every
batch in reality; only the scale differs. Each batch is multiplied by

    factor = mean(anchor in the first batch) / mean(anchor in this batch)

which puts it on the first batch's scale; then everything is divided by its
overall maximum and multiplied by 100 so the result reads like one Google
comparison of all keywords. Partial (still running) periods of the anchor are
left out of the means. A batch where the anchor has no interest cannot be
rescaled and is refused rather than guessed.
"""

import pandas as pd

from .base import SourceError

BATCH_SIZE = 5


def keyword_batches(keywords: list[str], *, anchor: str, size: int = BATCH_SIZE) -> list[list[str]]:
    others = [k for k in dict.fromkeys(keywords) if k != anchor]
    step = size - 1
    if not others:
        return [[anchor]]
    return [[anchor, *others[i : i + step]] for i in range(0, len(others), step)]


def rescale_batches(frames: list[pd.DataFrame], *, anchor: str) -> pd.DataFrame:
    """Frames indexed by date, one column per keyword plus a boolean ``isPartial`` -> one frame, one scale."""
    if not frames:
        raise SourceError("no batches to rescale")
    index = frames[0].index
    partial = pd.Series(False, index=index)
    scaled = []
    reference = None
    for number, frame in enumerate(frames, start=1):
        if not frame.index.equals(index):
            raise SourceError(f"batch {number} covers different dates than batch 1")
        flags = frame["isPartial"].astype(bool) if "isPartial" in frame else pd.Series(False, index=index)
        partial |= flags
        values = frame.drop(columns=["isPartial"], errors="ignore").astype(float)
        anchor_mean = values.loc[~flags, anchor].mean()
        if not anchor_mean > 0:
            raise SourceError(f"anchor {anchor!r} has no interest in batch {number}; choose a more searched anchor")
        if reference is None:
            reference = anchor_mean
        values = values * (reference / anchor_mean)
        scaled.append(values if number == 1 else values.drop(columns=[anchor]))
    combined = pd.concat(scaled, axis=1)
    top = combined.to_numpy().max()
    if top > 0:
        combined = combined * (100.0 / top)
    combined = combined.round(2)
    combined["isPartial"] = partial
    return combined
