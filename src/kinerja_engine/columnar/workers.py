"""Local Dask clusters that only score: quiet workers, Arrow's pools the size of the worker.

Input: a number of worker processes. Output: :func:`local_cluster`, a
``distributed.LocalCluster`` of that many processes × 1 thread, started with
:data:`~.distributed.QUIET_WORKERS` and this module as its workers' *preload*; and
:func:`dask_setup`, what that preload runs in each worker process as it starts (and again in a
worker the nanny restarts): Arrow's CPU and I/O thread pools set to the worker's thread count,
and :class:`ShutdownNoise` on the ``distributed.worker`` logger.

Guarantees: a worker's Arrow pools never outnumber its Dask threads (Arrow sizes them to the
machine's cores otherwise: two such workers' pools fight for the same cores, and the I/O pool
has eight threads whatever Dask's ``OMP_NUM_THREADS`` says); the only message silenced is
the one a worker logs when its own shutdown closes the connection of a heartbeat still in
flight (Dask's race between ``Worker.close`` and the heartbeat callback; the worker is closing
anyway), and only while that worker is closing: the same failure on a running worker is still
logged. Dask is imported only by :func:`local_cluster` (the ``[dask]`` extra).

>>> import logging
>>> class Closing:  # a worker's status, as Dask's Status enum names it
...     status = "Status.closing"
>>> record = logging.makeLogRecord({"msg": HEARTBEAT_FAILED})
>>> ShutdownNoise(Closing()).filter(record)
False
"""

from __future__ import annotations

import logging
from typing import Any

from ..io.optional import need
from .distributed import QUIET_WORKERS

__all__ = ["HEARTBEAT_FAILED", "ShutdownNoise", "dask_setup", "local_cluster"]

#: What ``distributed.worker`` logs (with the traceback) when a heartbeat's connection closes.
HEARTBEAT_FAILED = "Failed to communicate with scheduler during heartbeat."
#: Dask's worker states once ``Worker.close`` has begun.
_CLOSING = frozenset({"closing", "closing_gracefully", "closed"})


class ShutdownNoise(logging.Filter):
    """Drops :data:`HEARTBEAT_FAILED` while ``worker`` is closing (nothing else, never
    while it runs)."""

    def __init__(self, worker: Any) -> None:
        super().__init__()
        self.worker = worker

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg != HEARTBEAT_FAILED:
            return True
        # Status is an enum (Status.closing); its value, or the text after the dot, names it.
        status = getattr(self.worker.status, "value", str(self.worker.status))
        return str(status).rsplit(".", maxsplit=1)[-1] not in _CLOSING


def dask_setup(worker: Any) -> None:
    """The preload of a worker process (Dask calls it as the worker starts): Arrow's pools
    sized to the worker's threads, and the shutdown noise filtered."""
    pa = need("pyarrow", "columnar")
    threads = max(1, int(worker.state.nthreads))
    pa.set_cpu_count(threads)
    pa.set_io_thread_count(threads)
    logging.getLogger("distributed.worker").addFilter(ShutdownNoise(worker))


def local_cluster(workers: int) -> Any:
    """A started ``distributed.LocalCluster`` of ``workers`` processes × 1 thread that only
    scores: :data:`~.distributed.QUIET_WORKERS`, and :func:`dask_setup` in every worker."""
    dask, distributed = need("dask", "dask"), need("distributed", "dask")
    with dask.config.set(dict(QUIET_WORKERS)):
        return distributed.LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            preload=[__name__],
        )
