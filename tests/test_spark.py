"""The partition function through Spark's DataFrame.mapInPandas, on pyspark in local mode.

Needs a Java runtime (``.ci/run`` installs Debian's default-jre-headless when
``java`` is missing); without one these tests fail, they never skip.
"""

from __future__ import annotations

import os
import shutil
import sys

import numpy as np
import pandas as pd
import pytest
from pyspark.errors import PythonException
from pyspark.sql import SparkSession

from xieshang.cli import main
from xieshang.generator import generate
from xieshang.partition import output_columns
from xieshang.spark import score_spark

# pyspark's own warnings about pandas 3 (it calls deprecated pandas keywords), not ours.
pytestmark = pytest.mark.filterwarnings("ignore:::pyspark")


@pytest.fixture(scope="module")
def spark():
    os.environ["PYSPARK_PYTHON"] = sys.executable  # the workers run this interpreter, with xieshang installed
    session = (SparkSession.builder.master("local[1]").appName("xieshang-test")
               .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "1").getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    root = tmp_path_factory.mktemp("spark")
    df = generate(300, seed=5)
    df.insert(0, "customer_id", [f"{i:05d}" for i in range(len(df))])
    (root / "parts").mkdir()
    for k in range(3):
        df.iloc[k * 100:(k + 1) * 100].to_parquet(root / "parts" / f"part-{k}.parquet", index=False)
    df.to_parquet(root / "all.parquet", index=False)
    return root


def test_map_in_pandas_equals_xieshang_predict(spark, dataset, saved_model):
    assert main(["predict", str(dataset / "all.parquet"), "-o", str(dataset / "ref.parquet"), "--model",
                 str(saved_model), "--explain", "--lang", "en", "--quiet"]) == 0
    ref = pd.read_parquet(dataset / "ref.parquet")
    frame = spark.read.parquet(str(dataset / "parts"))
    scored = score_spark(frame, saved_model, explain=True, lang="en")
    assert scored.columns == frame.columns + list(output_columns(explain=True))  # the schema, before any work
    got = scored.toPandas().sort_values("customer_id").reset_index(drop=True)
    assert got["customer_id"].tolist() == ref["customer_id"].tolist()
    for col in output_columns(explain=True):  # the model's columns exactly; Spark has its own types for the rest
        np.testing.assert_array_equal(got[col].to_numpy(), ref[col].to_numpy(), err_msg=col)
    pd.testing.assert_frame_equal(got[frame.columns], ref[frame.columns], check_dtype=False, check_categorical=False)


def test_a_tampered_model_is_refused_on_the_spark_workers(spark, dataset, saved_model, tmp_path):
    model = tmp_path / "approval.joblib"
    shutil.copy(saved_model.with_suffix(".json"), model.with_suffix(".json"))
    data = bytearray(saved_model.read_bytes())
    data[-10] ^= 0xFF
    model.write_bytes(bytes(data))
    scored = score_spark(spark.read.parquet(str(dataset / "parts")), model)
    with pytest.raises(PythonException, match=r"approval\.joblib: SHA-256 .* does not match its sidecar.*refused"):
        scored.collect()
