"""xieshang predict --dask on a real LocalCluster (2 worker processes): the same output as one process."""

from __future__ import annotations

import os
import re
import shutil
import signal
import threading
import time

import dask  # the dask extra is part of dev: without it these tests fail, they never skip
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from distributed import Client

from xieshang.cli import main
from xieshang.cluster import MANIFEST, dataset_files, score_dask, score_dataset, start_local_cluster
from xieshang.generator import generate

PARTS = 3
ROWS = 240


@pytest.fixture(scope="module")
def client():
    cluster = start_local_cluster(n_workers=2)
    with Client(cluster) as c:
        yield c
    cluster.close()


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    """PARTS Parquet files with a customer_id index, and the same rows as one file."""
    root = tmp_path_factory.mktemp("dataset")
    df = generate(PARTS * ROWS, seed=7)
    df.index = pd.Index([f"c{i:06d}" for i in range(len(df))], name="customer_id")
    df.insert(0, "branch", np.where(np.arange(len(df)) % 2, "north", "south"))
    (root / "parts").mkdir()
    for k in range(PARTS):
        df.iloc[k * ROWS:(k + 1) * ROWS].to_parquet(root / "parts" / f"part-{k}.parquet")
    df.to_parquet(root / "all.parquet")
    return root


@pytest.fixture(scope="module")
def reference(dataset, saved_model):
    """Single-process `xieshang predict` on the whole dataset, with and without --explain."""
    out = {}
    for explain in (False, True):
        dst = dataset / f"ref-{explain}.parquet"
        args = ["predict", str(dataset / "all.parquet"), "-o", str(dst), "--model", str(saved_model), "--quiet"]
        assert main(args + (["--explain"] if explain else [])) == 0
        out[explain] = pd.read_parquet(dst)
    return out


def _read_parts(folder):
    return pd.concat([pd.read_parquet(f) for f in dataset_files(folder)])


@pytest.mark.parametrize("explain", [False, True])
def test_cli_on_the_cluster_equals_one_process(dataset, saved_model, reference, client, tmp_path, explain, capsys):
    out = tmp_path / "out"
    args = ["predict", str(dataset / "parts"), "-o", str(out), "--model", str(saved_model),
            "--dask", client.scheduler.address]
    assert main(args + (["--explain", "--lang", "zh"] if explain else [])) == 0
    captured = capsys.readouterr()
    assert f"wrote {PARTS * ROWS:,} scored rows in {PARTS} partition file(s)" in captured.out
    assert f"{PARTS}/{PARTS} partitions" in captured.err  # the progress counter
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST] + [f"part-{k}.parquet" for k in range(PARTS)]
    pd.testing.assert_frame_equal(_read_parts(out), reference[explain], check_exact=True)


def test_a_rerun_finishes_only_the_rest(dataset, saved_model, reference, client, tmp_path):
    out = tmp_path / "out"
    assert score_dataset(dataset / "parts", out, model=saved_model, cluster=client, progress=None) == (
        PARTS * ROWS, PARTS, 0)
    (out / "part-1.parquet").unlink()  # as if the job had stopped before this partition
    before = (out / "part-0.parquet").stat().st_mtime_ns
    assert score_dataset(dataset / "parts", out, model=saved_model, cluster=client, progress=None) == (
        ROWS, 1, PARTS - 1)
    assert (out / "part-0.parquet").stat().st_mtime_ns == before  # not scored again
    pd.testing.assert_frame_equal(_read_parts(out), reference[False], check_exact=True)
    with pytest.raises(ValueError, match=r"scored with another model or other options.*choose a new -o folder"):
        score_dataset(dataset / "parts", out, model=saved_model, cluster=client, explain=True, progress=None)


def test_a_dask_frame_with_a_parquet_index(dataset, saved_model, reference, client):
    with dask.config.set({"dataframe.convert-string": False}):
        frame = dd.read_parquet(dataset / "parts")
        scored = score_dask(frame, saved_model, explain=True)
        assert list(scored.columns) == list(reference[True].columns)  # known before computing
        got = scored.compute()
    pd.testing.assert_frame_equal(got, reference[True], check_exact=True)


def test_a_dask_frame_from_csv_keeps_the_ids_as_written(dataset, saved_model, client, tmp_path):
    rows = pd.read_parquet(dataset / "all.parquet").reset_index()
    rows["customer_id"] = [f"{i:05d}" for i in range(len(rows))]  # leading zeros, as text
    rows.loc[3, "branch"] = "NA"  # a value pandas would turn into a blank unless read as text
    for k in range(PARTS):
        rows.iloc[k * ROWS:(k + 1) * ROWS].to_csv(tmp_path / f"in-{k}.csv", index=False)
    rows.to_csv(tmp_path / "all.csv", index=False)
    assert main(["predict", str(tmp_path / "all.csv"), "-o", str(tmp_path / "ref.csv"), "--model", str(saved_model),
                 "--quiet"]) == 0
    ref = pd.read_csv(tmp_path / "ref.csv", dtype=str, keep_default_na=False)
    with dask.config.set({"dataframe.convert-string": False}):
        frame = dd.read_csv(str(tmp_path / "in-*.csv"), dtype=str, keep_default_na=False)
        got = score_dask(frame, saved_model).compute().reset_index(drop=True)
    assert got["customer_id"].tolist() == ref["customer_id"].tolist()
    assert got.loc[3, "branch"] == "NA"
    assert got.drop(columns="probability").equals(ref.drop(columns="probability"))
    np.testing.assert_array_equal(got["probability"].to_numpy(), ref["probability"].astype(float).to_numpy())


def test_bad_rows_are_named_by_file_and_row_and_the_other_partitions_written(dataset, saved_model, client, tmp_path):
    src = tmp_path / "parts"
    shutil.copytree(dataset / "parts", src)
    bad = pd.read_parquet(src / "part-1.parquet")
    bad.iloc[4, bad.columns.get_loc("credit_score")] = 9999
    bad.to_parquet(src / "part-1.parquet")
    with pytest.raises(ValueError, match=r"(?s)1 of 3 partitions failed: .*part-1\.parquet: .*credit_score.*9999.*row 5\b"
                                         r".*rows from 1, as `xieshang check`.*run the same command again"):
        score_dataset(src, tmp_path / "out", model=saved_model, cluster=client, progress=None)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [MANIFEST, "part-0.parquet", "part-2.parquet"]


def test_a_tampered_model_is_refused_on_the_workers(dataset, saved_model, client, tmp_path):
    model = tmp_path / "approval.joblib"
    shutil.copy(saved_model, model)
    shutil.copy(saved_model.with_suffix(".json"), model.with_suffix(".json"))
    data = bytearray(model.read_bytes())
    data[len(data) // 2] ^= 0xFF
    model.write_bytes(bytes(data))
    with pytest.raises(ValueError, match=r"approval\.joblib: SHA-256 .* does not match its sidecar.*"
                                         r"refused on worker tcp://"):
        score_dataset(dataset / "parts", tmp_path / "out", model=model, cluster=client, progress=None)
    assert [p.name for p in (tmp_path / "out").iterdir()] == [MANIFEST]  # no partition written


def test_a_worker_killed_mid_job_leaves_no_half_written_partition(saved_model, client, tmp_path):
    src = tmp_path / "parts"
    src.mkdir()
    df = generate(8 * 150, seed=11)
    for k in range(8):
        df.iloc[k * 150:(k + 1) * 150].to_parquet(src / f"p{k}.parquet")
    df.to_parquet(tmp_path / "all.parquet")
    assert main(["predict", str(tmp_path / "all.parquet"), "-o", str(tmp_path / "ref.parquet"),
                 "--model", str(saved_model), "--explain", "--quiet"]) == 0
    result: dict = {}

    def run():
        try:
            result["value"] = score_dataset(src, tmp_path / "out", model=saved_model, cluster=client,
                                            explain=True, chunk_rows=50, progress=None)
        except Exception as exc:  # asserted on below
            result["error"] = exc

    job = threading.Thread(target=run)
    job.start()
    pids = client.run(os.getpid)
    deadline = time.monotonic() + 60
    victim = None
    while victim is None and time.monotonic() < deadline and job.is_alive():
        busy = [w for w, tasks in client.processing().items() if tasks and w in pids]
        if busy and any((tmp_path / "out").glob(".p*.tmp")):  # a partition is being written
            victim = busy[0]
        time.sleep(0.05)
    assert victim is not None, "the job ended before a worker could be killed"
    os.kill(pids[victim], signal.SIGKILL)
    job.join(timeout=120)
    assert not job.is_alive()
    # Finished despite the kill (the scheduler reran the lost partitions); had it failed, it would say so.
    assert "error" not in result, result.get("error")
    assert result["value"] == (len(df), 8, 0)
    # A RangeIndex is not stored in Parquet: each file's rows are numbered from 0, hence ignore_index.
    pd.testing.assert_frame_equal(_read_parts(tmp_path / "out").reset_index(drop=True),
                                  pd.read_parquet(tmp_path / "ref.parquet"), check_exact=True)
    assert not list((tmp_path / "out").glob(".*.tmp"))  # the killed write's temporary file is gone
    client.wait_for_workers(2, timeout=60)
    assert pids[victim] not in client.run(os.getpid).values()  # the worker really died (and was replaced)


@pytest.mark.parametrize("args, message", [
    (["IN.csv", "--dask", "local"], r"--dask reads Parquet; expected a \.parquet file or a folder"),
    (["IN.parquet", "--dask", "somewhere"], r"--dask: expected 'local' or a scheduler address"),
    (["missing/", "--dask", "local"], r"missing: no such file or folder"),
])
def test_bad_arguments_end_in_one_line_before_any_work(dataset, tmp_path, capsys, args, message):
    pd.DataFrame({"a": [1]}).to_csv(tmp_path / "IN.csv", index=False)
    shutil.copy(dataset / "all.parquet", tmp_path / "IN.parquet")
    src = str(tmp_path / args[0])
    assert main(["predict", src, "-o", str(tmp_path / "out"), *args[1:]]) == 2
    err = capsys.readouterr().err
    assert re.search(message, err) and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_dask_local_starts_a_cluster_for_the_job_and_stops_it(dataset, saved_model, reference, tmp_path, capsys):
    import multiprocessing

    before = set(multiprocessing.active_children())
    out = tmp_path / "out"
    assert main(["predict", str(dataset / "parts"), "-o", str(out), "--model", str(saved_model), "--dask", "local",
                 "--quiet"]) == 0
    assert capsys.readouterr().err == ""  # --quiet: no counter
    pd.testing.assert_frame_equal(_read_parts(out), reference[False], check_exact=True)
    assert set(multiprocessing.active_children()) <= before  # its worker processes are gone


def _digests(folder):
    import hashlib

    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in sorted(folder.iterdir())}


@pytest.mark.parametrize("explain", [False, True])
def test_predict_on_a_folder_without_dask_writes_what_dask_writes(dataset, saved_model, reference, tmp_path, explain,
                                                                  capsys):
    before = _digests(dataset / "parts")
    out = tmp_path / "out"
    args = ["predict", str(dataset / "parts"), "-o", str(out), "--model", str(saved_model)]
    assert main(args + (["--explain"] if explain else [])) == 0
    captured = capsys.readouterr()
    assert f"wrote {PARTS * ROWS:,} scored rows in {PARTS} partition file(s)" in captured.out
    assert f"{PARTS}/{PARTS} partitions" in captured.err
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST] + [f"part-{k}.parquet" for k in range(PARTS)]
    pd.testing.assert_frame_equal(_read_parts(out), reference[explain], check_exact=True)
    assert _digests(dataset / "parts") == before  # the input is never written


def test_a_job_started_on_dask_is_finished_in_one_process(dataset, saved_model, reference, client, tmp_path):
    out = tmp_path / "out"
    score_dataset(dataset / "parts", out, model=saved_model, cluster=client, progress=None)
    (out / "part-2.parquet").unlink()
    assert score_dataset(dataset / "parts", out, model=saved_model, cluster=None, progress=None) == (ROWS, 1, PARTS - 1)
    pd.testing.assert_frame_equal(_read_parts(out), reference[False], check_exact=True)


@pytest.mark.parametrize("extra, out, message", [
    (["--sep", ";"], "out", r"--sep: for a CSV file; a folder \(or --dask\) is read and written as Parquet"),
    (["--out-encoding", "gbk"], "out", r"--out-encoding: for a CSV file"),
    ([], "scored.csv", r"scored\.csv: names a \.csv file; .* give -o a folder name"),
    ([], "parts/inside", r"lies inside the input"),
])
def test_predict_on_a_folder_refuses_what_it_cannot_honour(dataset, tmp_path, capsys, extra, out, message):
    src = tmp_path / "parts"
    shutil.copytree(dataset / "parts", src)
    before = _digests(src)
    assert main(["predict", str(src), "-o", str(tmp_path / out), *extra]) == 2
    err = capsys.readouterr().err
    assert re.search(message, err) and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / out).exists() and _digests(src) == before


def test_a_tampered_model_is_refused_in_one_process_too(dataset, saved_model, tmp_path, capsys):
    bad = tmp_path / "m"
    bad.mkdir()
    shutil.copy(saved_model, bad / "approval.joblib")
    shutil.copy(saved_model.with_suffix(".json"), bad / "approval.json")
    with open(bad / "approval.joblib", "ab") as f:
        f.write(b"\0")
    assert main(["predict", str(dataset / "parts"), "-o", str(tmp_path / "out"), "--model",
                 str(bad / "approval.joblib")]) == 2
    err = capsys.readouterr().err
    assert re.search(r"approval\.joblib: SHA-256 .* does not match its sidecar.*refused on process \d+", err)
    assert not list((tmp_path / "out").glob("*.parquet"))
