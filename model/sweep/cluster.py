"""A Dask client for a sweep: a ``LocalCluster`` sized to this machine, or a running cluster by its address.

Local layout: one worker process per core, one thread each (the engine runs single-threaded inside a worker; a
process per core sidesteps the interpreter lock and keeps each worker's memory separate). Workers of a real
cluster are started with ``dask worker tcp://HOST:8786 --nworkers N --nthreads 1`` from a checkout of this
repository (they import ``model``); see docs/SCALE.md.

Memory: distributed starts worker processes with ``MALLOC_TRIM_THRESHOLD_=65536``, which also freezes glibc's
mmap threshold, so every large array of a run is mapped and unmapped afresh (measured here: a run 2.6× slower,
most of it system time). The local cluster leaves glibc's defaults alone; docs/SCALE.md says how to do the same
on a real cluster's workers.
"""

from __future__ import annotations

import importlib.util
import logging
import re
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager

from model.schema.text import BilingualError

ADDRESS_RE = re.compile(r"^(tcp|tls)://[A-Za-z0-9.\-\[\]:]+:\d{1,5}$")
CONNECT_TIMEOUT_S = 20
MAX_LOCAL_WORKERS = 64
GLIBC_DEFAULTS = "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_"


class ClusterError(BilingualError):
    """A scheduler address that is malformed or does not answer; the message is bilingual."""


def machine_workers() -> int:
    """Worker processes for a LocalCluster on this machine: one per usable core (affinity and cgroups counted)."""
    from dask.system import CPU_COUNT

    return max(1, int(CPU_COUNT))


def dashboard_available() -> bool:
    """True when the Dask dashboard can be served (it needs bokeh, which is optional)."""
    return importlib.util.find_spec("bokeh") is not None


def check_address(address: str) -> str:
    """``address`` when it looks like ``tcp://host:port``, else a :class:`ClusterError`."""
    if not ADDRESS_RE.match(address or ""):
        raise ClusterError(
            f"调度器地址 {address[:80]!r} 格式不对，应如 tcp://10.0.0.5:8786",
            f"scheduler address {address[:80]!r} is malformed; expected e.g. tcp://10.0.0.5:8786",
        )
    return address


def check_cluster_code(client) -> None:
    """Refuse a cluster whose scheduler or workers cannot import this model or run another version of it.

    The scheduler unpickles the tasks and the workers run them, so both need ``model`` at the same commit as this
    client; a worker with other code would give other numbers under the same point ids.
    """
    from model.sweep.identity import model_fingerprint

    mine = model_fingerprint()
    try:
        answers = {"scheduler": client.run_on_scheduler(model_fingerprint)}
    except Exception as exc:  # whatever the scheduler failed with, it cannot run the sweep
        answers = {"scheduler": exc}
    answers.update(client.run(model_fingerprint, on_error="return"))
    wrong = sorted(name for name, answer in answers.items() if answer != mine)
    if not answers or wrong:
        shown = ", ".join(wrong[:3]) + (" …" if len(wrong) > 3 else "")
        raise ClusterError(
            f"集群中 {shown} 无法导入本模型或运行的是另一个版本：请在同一提交的代码目录中启动 dask scheduler 和 "
            "dask worker（PYTHONPATH 指向该目录，见 docs/SCALE.md）",
            f"{shown} of the cluster cannot import this model or runs another version of it: start dask scheduler "
            "and dask worker from a checkout at the same commit (PYTHONPATH set to it; see docs/SCALE.md)",
        )


@contextmanager
def _workers_do_not_rerun_the_caller() -> Iterator[None]:
    """Hide a ``__main__`` that is a file (a script, a notebook, a Streamlit page) while the local cluster lives.

    Worker processes are spawned, and a spawned process re-runs the parent's main file; a caller without an
    ``if __name__ == "__main__"`` guard would then run again in every worker. ``python -m model`` is not affected
    (a package's ``__main__`` is never re-run).
    """
    main = sys.modules.get("__main__")
    if main is None or getattr(main, "__spec__", None) is not None:
        yield
        return
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


@contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None) -> Iterator:
    """A connected ``distributed.Client``; a LocalCluster it started is closed on exit."""
    from distributed import Client, LocalCluster

    if scheduler is not None:
        address = check_address(scheduler)
        try:
            client = Client(address, timeout=CONNECT_TIMEOUT_S)
        except (OSError, TimeoutError) as exc:
            raise ClusterError(
                f"无法连接调度器 {address}：{exc}", f"cannot connect to the scheduler {address}: {exc}"
            ) from None
        try:
            check_cluster_code(client)
            yield client
        finally:
            client.close()
        return
    n = workers or machine_workers()
    if not 1 <= n <= MAX_LOCAL_WORKERS:
        raise ClusterError(
            f"--workers {n} 超出允许范围 0–{MAX_LOCAL_WORKERS}",
            f"--workers {n} is outside the allowed range 0–{MAX_LOCAL_WORKERS}",
        )
    import dask

    with (
        _workers_do_not_rerun_the_caller(),
        dask.config.set({GLIBC_DEFAULTS: None}),
        LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":8787" if dashboard_available() else None,
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def dashboard_link(client) -> str | None:
    """The dashboard's address, or None when it is not served."""
    return client.dashboard_link if dashboard_available() else None
