"""Score a partitioned dataset on a Dask cluster: ``xieshang predict DATASET -o OUT --dask local|ADDRESS``.

Without ``--dask``, ``xieshang predict DATASET -o OUT`` scores the same files
one after another in its own process, into the same folder of files (the
same outputs, the same rerun rules): :func:`score_dataset` with ``cluster=None``.

Each worker scores whole input files with :func:`xieshang.scoring.score_file`
(chunk by chunk, so a worker's memory is bounded by ``chunk_rows``, not by the
file), which calls :func:`xieshang.partition.score_partition`: the output of a
file is the output ``xieshang predict`` gives for it, written atomically under
the same name in OUT. The model travels to each worker once, as its bytes and
sidecar, and is checked there by :func:`xieshang.model.load_model` (SHA-256
against the sidecar, scikit-learn version, contract) before it is unpickled.

From Python, :func:`score_dask` maps the partition function over a
``dask.dataframe.DataFrame`` and returns a Dask frame.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TextIO

import pandas as pd

from .partition import ModelPayload, model_payload, score_partition, worker_model

__all__ = ["score_dask", "score_dataset", "dataset_files", "start_local_cluster",
           "MANIFEST"]

MANIFEST = "_xieshang.json"
"""What OUT was scored with (model SHA-256, options): a rerun only finishes a job started with the same."""


def _need_dask() -> None:
    try:
        import dask.dataframe  # noqa: F401
        import distributed  # noqa: F401
    except ImportError:
        raise ValueError("Dask is not installed; expected the 'dask' extra: pip install 'xieshang[dask]'") from None


# -- a Dask frame in, a Dask frame out ---------------------------------------------------------------


def _score_with_payload(frame: pd.DataFrame, payload: ModelPayload, explain: bool, target: float,
                        lang: str) -> pd.DataFrame:
    return score_partition(frame, worker_model(payload), explain, target=target, lang=lang)


def score_dask(frame: Any, model: str | os.PathLike | None = None, *, explain: bool = False, target: float = 0.6,
               lang: str = "zh") -> Any:
    """Score every partition of a Dask frame with :func:`xieshang.partition.score_partition`.

    Parameters
    ----------
    frame : dask.dataframe.DataFrame
        Rows with the contract's columns, any extra columns and index (read
        a CSV with ``dtype=str, keep_default_na=False`` to keep ids as written).
    model : path, optional
        A model saved by ``xieshang train`` (default ``model/approval.joblib``):
        it goes into the graph once and is checked on each worker before use.
    explain, target, lang
        As for :func:`~xieshang.partition.score_partition`.

    Returns
    -------
    dask.dataframe.DataFrame
        Lazy: the input's columns and index, then the model's columns.
    """
    _need_dask()
    import dask

    if not hasattr(frame, "map_partitions") or not hasattr(frame, "_meta"):
        raise ValueError(f"expected a dask.dataframe.DataFrame, got {type(frame).__name__}")
    meta = score_partition(frame._meta, None, explain, target=target, lang=lang)  # checks target and lang
    payload = dask.delayed(model_payload(model), pure=False)  # one task, a fresh key: each worker fetches it once
    return frame.map_partitions(_score_with_payload, payload, explain, target, lang, meta=meta)


# -- a folder of Parquet files in, a folder of Parquet files out ---------------------------------------------


def dataset_files(src: str | os.PathLike) -> list[Path]:
    """The Parquet files of a dataset: the file itself, or every ``*.parquet`` under a folder, sorted.

    Hidden files and those starting with ``_`` (``_metadata``, ``_SUCCESS``) are
    not data, as for Dask, Spark and pyarrow.

    Raises
    ------
    ValueError
        If ``src`` is missing, is not Parquet, or holds no Parquet file.
    """
    from .files import table_format

    p = Path(src)
    if p.is_file():
        if table_format(p) != "parquet":
            raise ValueError(f"{p}: --dask reads Parquet; expected a .parquet file or a folder of them "
                             "(convert a CSV with pandas or score it without --dask)")
        return [p]
    if not p.is_dir():
        raise ValueError(f"{p}: no such file or folder")
    files = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in (".parquet", ".pq")
                   and not any(part.startswith((".", "_")) for part in f.relative_to(p).parts))
    if not files:
        raise ValueError(f"{p}: no .parquet file in this folder; expected a partitioned Parquet dataset")
    return files


def start_local_cluster(n_workers: int | None = None, memory_limit: str = "auto") -> Any:
    """A ``distributed.LocalCluster`` sized to the machine: one process per core, one thread each.

    No dashboard and no statistical profiler on the workers (it samples every
    thread every 10 ms for the dashboard's charts: CPU spent on nobody's behalf),
    and glibc's own memory trimming instead of the nanny's ``MALLOC_TRIM_THRESHOLD_=65536``:
    that setting made the workers spend about as much system time (giving pages
    back and faulting them in again) as scoring time; the chunked reads keep the
    memory flat without it, as in ``xieshang predict`` (``bench/bench_dask.py``).
    """
    _need_dask()
    import logging

    import dask
    from distributed import LocalCluster

    if n_workers is None:
        n_workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    quiet = {"distributed.worker.profile.enabled": False,  # the nannies pass the config to the workers
             "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}
    with dask.config.set(quiet):
        return LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, memory_limit=memory_limit,
                            dashboard_address=None, silence_logs=logging.ERROR)


def _score_file_task(payload: ModelPayload, src: str, dst: str, explain: bool, target: float, lang: str,
                     chunk_rows: int) -> int:
    from .scoring import score_file

    return score_file(worker_model(payload), src, dst, chunk_rows=chunk_rows, explain=explain, target=target,
                      lang=lang, progress=None)


def _plan(files: list[Path], root: Path, dst: Path) -> list[tuple[Path, Path]]:
    """(input file, output file) pairs: the same relative name under ``dst``."""
    if root.is_file():
        return [(files[0], dst / files[0].name)]
    return [(f, dst / f.relative_to(root)) for f in files]


def _check_manifest(dst: Path, manifest: dict[str, Any]) -> None:
    """Refuse to finish into ``dst`` a job started with another model or other options; else record them."""
    from .files import write_json

    path = dst / MANIFEST
    if path.is_file():
        try:
            before = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            before = None
        if before != manifest:
            raise ValueError(f"{dst}: holds partitions scored with another model or other options ({path}); "
                             "expected the same to finish that job: choose a new -o folder or delete this one")
        return
    write_json(manifest, path)


class _Counter:
    """Partitions done out of the total and rows per second, one line on stderr redrawn in place."""

    def __init__(self, total: int, stream: TextIO | None):
        self.total, self.stream, self.done, self.rows = total, stream, 0, 0
        self.start = time.perf_counter()

    def step(self, rows: int) -> None:
        self.done += 1
        self.rows += rows
        if self.stream is not None:
            rate = self.rows / max(time.perf_counter() - self.start, 1e-9)
            self.stream.write(f"\r{self.done}/{self.total} partitions  {self.rows:,} rows  {rate:,.0f} rows/s ")
            self.stream.flush()

    def close(self) -> None:
        if self.stream is not None and self.total:
            self.stream.write("\n")
            self.stream.flush()


def _remove_stale_temporaries(pairs: list[tuple[Path, Path]]) -> None:
    """Remove the temporary files of writes whose worker was killed (a finished write leaves none)."""
    for _, out in pairs:
        for tmp in out.parent.glob(f".{out.name}.*.tmp"):
            tmp.unlink(missing_ok=True)


def score_dataset(src: str | os.PathLike, dst: str | os.PathLike, *, model: str | os.PathLike | None = None,
                  cluster: Any = "local", explain: bool = False, target: float = 0.6, lang: str = "zh",
                  chunk_rows: int = 100_000, progress: TextIO | None = sys.stderr) -> tuple[int, int, int]:
    """Score every Parquet file of ``src`` on a Dask cluster into one Parquet file each under ``dst``.

    Parameters
    ----------
    src : path
        A Parquet file or a folder of Parquet files (any depth).
    dst : path
        Output folder (created): each input file's output under the same
        relative name, written atomically (complete or absent). Files already
        there from an interrupted run with the same model and options are
        kept, so a rerun finishes the rest.
    model : path, optional
        Default ``model/approval.joblib``.
    cluster : "local", "tcp://HOST:PORT", distributed.Client or None, default "local"
        ``"local"`` starts a :func:`start_local_cluster` for the job;
        ``None`` scores the files one after another in this process (no Dask needed).
    explain, target, lang, chunk_rows
        As for :func:`xieshang.scoring.score_file`.
    progress : text stream or None, default sys.stderr
        Where the partition counter goes.

    Returns
    -------
    (rows, partitions scored, partitions already done)

    Raises
    ------
    ValueError
        Bad input, a model refused on the workers, bad rows (named by file and
        row, as ``xieshang check`` numbers them), or a partition whose workers
        kept dying; every partition that succeeded is written.
    """
    from .checks import check_int
    from .partition import output_columns

    if cluster is not None:
        _need_dask()
    chunk_rows = check_int(chunk_rows, "chunk_rows", low=1)
    score_partition(pd.DataFrame(), None, explain, target=target, lang=lang)  # checks target and lang
    if not (cluster is None or hasattr(cluster, "submit") or cluster == "local"
            or (isinstance(cluster, str) and "://" in cluster)):
        raise ValueError(f"--dask: expected 'local' or a scheduler address such as tcp://HOST:8786, got {cluster!r}")
    root, out = Path(src), Path(dst)
    files = dataset_files(root)
    if out.exists() and not out.is_dir():
        raise ValueError(f"{out}: is a file; for a folder (or --dask), -o is a folder for one Parquet file per "
                         "input file (-o 已是一个文件：请给一个文件夹名)")
    if not out.exists() and out.suffix.lower() in (".csv", ".tsv", ".txt", ".xlsx", ".xls", ".json"):
        raise ValueError(f"{out}: names a {out.suffix} file; a folder (or --dask) is written as a folder of Parquet "
                         "files, one per input file: give -o a folder name (e.g. scored/) (结果按输入文件逐个写成 Parquet：-o 请给文件夹名)")
    if out.resolve() == root.resolve() or root.resolve() in out.resolve().parents:
        raise ValueError(f"{out}: lies inside the input {root}; expected an output folder outside it")
    payload = model_payload(model)
    pairs = _plan(files, root, out)
    out.mkdir(parents=True, exist_ok=True)
    _check_manifest(out, {"model_sha256": hashlib.sha256(payload.data).hexdigest(), "explain": bool(explain),
                          "target": float(target) if explain else None, "lang": lang if explain else None,
                          "columns": list(output_columns(explain))})
    todo = [(s, d) for s, d in pairs if not d.exists()]
    if cluster is None:
        rows = _run_here(payload, todo, explain, target, lang, chunk_rows, progress)
        _remove_stale_temporaries(pairs)
        return rows, len(todo), len(pairs) - len(todo)
    client, owned = _client(cluster)
    try:
        rows = _run(client, payload, todo, explain, target, lang, chunk_rows, progress)
    finally:
        if owned:
            cluster_obj = getattr(client, "cluster", None)
            client.close()
            if cluster_obj is not None:
                cluster_obj.close()
    _remove_stale_temporaries(pairs)
    return rows, len(todo), len(pairs) - len(todo)


def _client(cluster: Any) -> tuple[Any, bool]:
    """(a distributed.Client, whether this job owns it and its cluster)."""
    from distributed import Client

    if isinstance(cluster, Client):
        return cluster, False
    if cluster == "local":
        return Client(start_local_cluster()), True
    try:
        return Client(cluster, timeout="20s"), True
    except OSError as exc:
        raise ValueError(f"--dask: cannot reach the Dask scheduler at {cluster} ({exc}); start one with "
                         "`dask scheduler` and workers with `dask worker`, or use --dask local") from None


def _run(client: Any, payload: ModelPayload, todo: list[tuple[Path, Path]], explain: bool, target: float,
         lang: str, chunk_rows: int, progress: TextIO | None) -> int:
    from distributed import as_completed

    if not todo:
        return 0
    # The model's bytes reach each worker once. A fresh key for each job: with the content's hash as the
    # key, a rerun's scatter could be undone by the release of the previous job's (the same key).
    shared = client.scatter(payload, broadcast=True, hash=False)
    futures = {client.submit(_score_file_task, shared, str(s), str(d), explain, target, lang, chunk_rows,
                             pure=False): s for s, d in todo}
    done = ((futures[fut], fut.result) for fut in as_completed(list(futures)))
    return _collect(done, len(todo), progress, worker_errors=True)


def _run_here(payload: ModelPayload, todo: list[tuple[Path, Path]], explain: bool, target: float, lang: str,
              chunk_rows: int, progress: TextIO | None) -> int:
    """The files one after another in this process, with the errors gathered as :func:`_run` gathers them."""
    if not todo:
        return 0
    worker_model(payload)  # the model checked (and refused) before the first file is read
    done = ((src, functools.partial(_score_file_task, payload, str(src), str(dst), explain, target, lang, chunk_rows))
            for src, dst in todo)
    return _collect(done, len(todo), progress, worker_errors=False)


def _collect(done: Iterable[tuple[Path, Callable[[], int]]], total: int, progress: TextIO | None, *,
             worker_errors: bool) -> int:
    """Rows scored by every file's task, counted as each finishes; the refused files gathered into one error.

    ``done`` yields each input file with the call giving its task's rows (a future's ``result`` or the
    task itself). A ``ValueError`` is the library's message; with ``worker_errors``, any other error
    (a killed worker, a worker's ``OSError``) is gathered too, worded and named by its file.
    """
    counter = _Counter(total, progress)
    rows, errors = 0, []
    try:
        for src, result in done:
            try:
                n = result()
            except ValueError as exc:
                errors.append(str(exc))
                n = 0
            except Exception as exc:  # KilledWorker, a worker's OSError...
                if not worker_errors:
                    raise
                errors.append(f"{src}: {_worded(exc)}")
                n = 0
            rows += n
            counter.step(n)
    finally:
        counter.close()
    _raise_failed(errors, total)
    return rows


def _raise_failed(errors: list[str], total: int) -> None:
    if errors:
        more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
        raise ValueError(f"{len(errors)} of {total} partitions failed: " + "; ".join(errors[:3]) + more
                         + "; every other partition is written: fix the cause and run the same command again "
                           "to finish the rest")


def _worded(exc: BaseException) -> str:
    name = type(exc).__name__
    if name == "KilledWorker":
        return ("the workers scoring it died too many times (out of memory or killed); it was not written: "
                "give the workers more memory or a smaller --chunk-rows")
    return f"{name}: {' '.join(str(exc).split())}"
