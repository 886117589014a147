"""Score a Spark DataFrame with the partition function, through ``DataFrame.mapInPandas``.

Spark hands each Python worker an iterator of pandas batches;
:func:`score_spark` maps :func:`xieshang.partition.score_partition` over them.
The model is broadcast once (its bytes and sidecar) and checked on each
Python worker by :func:`xieshang.partition.worker_model` before it is unpickled.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pandas as pd

from .partition import ModelPayload, model_payload, output_columns, score_partition, worker_model

__all__ = ["score_spark", "spark_schema"]


def spark_schema(schema: Any, explain: bool = False) -> Any:
    """The output schema: ``schema``'s fields, then :func:`xieshang.partition.output_columns` (a field of the same name is replaced in place)."""
    from pyspark.sql.types import BooleanType, DoubleType, StringType, StructField, StructType

    types = {"float": DoubleType(), "text": StringType(), "bool": BooleanType()}
    added = {name: StructField(name, types[kind], True) for name, kind in output_columns(explain).items()}
    fields = [added.pop(f.name, f) for f in schema.fields]
    return StructType(fields + list(added.values()))


def _scorer(broadcast: Any, explain: bool, target: float, lang: str) -> Any:
    def score(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        payload: ModelPayload = broadcast.value
        model = worker_model(payload)
        for batch in batches:
            yield score_partition(batch, model, explain, target=target, lang=lang)

    return score


def score_spark(frame: Any, model: str | os.PathLike | None = None, *, explain: bool = False, target: float = 0.6,
                lang: str = "zh") -> Any:
    """Add the model's columns to every row of a Spark DataFrame (lazy, like any Spark transformation).

    Parameters
    ----------
    frame : pyspark.sql.DataFrame
        Rows with the contract's columns (names or labels) and any extra columns.
    model : path, optional
        A model saved by ``xieshang train`` (default ``model/approval.joblib``).
    explain, target, lang
        As for :func:`~xieshang.partition.score_partition`.

    Returns
    -------
    pyspark.sql.DataFrame
        ``frame``'s columns, then ``probability`` (and the explanation's columns).
    """
    if not hasattr(frame, "mapInPandas") or not hasattr(frame, "sparkSession"):
        raise ValueError(f"expected a pyspark.sql.DataFrame, got {type(frame).__name__}")
    score_partition(pd.DataFrame(), None, explain, target=target, lang=lang)  # checks target and lang first
    broadcast = frame.sparkSession.sparkContext.broadcast(model_payload(model))
    return frame.mapInPandas(_scorer(broadcast, explain, target, lang), spark_schema(frame.schema, explain))
