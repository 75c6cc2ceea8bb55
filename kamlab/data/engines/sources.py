"""Where the invoice lines are: a pandas frame, Parquet/CSV files, an Ibis table or a Spark DataFrame.

:func:`open_source` turns any of them into an Ibis table on the engine that runs the
definition (:mod:`kamlab.data.engines.definition`), and :class:`Source` executes an expression
there and returns the (small) result as pandas:

- a pandas DataFrame: DuckDB scans the frame in place (no copy into DuckDB); ``engine="spark"``
  hands it to ``kamlab.data.engines.spark.from_pandas``.
- a path, a glob or a list of them, of Parquet (``.parquet``, ``.pq``) or CSV (``.csv``,
  ``.txt``, also gzipped) files: DuckDB reads them itself, out of core, with a
  ``memory_limit`` and its progress bar (see :mod:`kamlab.data.engines.duckdb`);
  ``engine="spark"`` hands the paths to ``kamlab.data.engines.spark.read_files``.
- an Ibis table: run on its own backend (DuckDB, PySpark, or a fresh DuckDB for a memtable).
- a Spark DataFrame (``pyspark.sql.DataFrame``, recognised without importing pyspark):
  ``kamlab.data.engines.spark.to_ibis(spark_df)`` gives the Ibis table on the PySpark backend.

The Spark hook's contract: ``to_ibis(spark_df)`` returns a lazy Ibis table expression on an Ibis
PySpark backend bound to ``spark_df.sparkSession``, with the frame's column names and types
unchanged (the definition casts); anything else raises :class:`~kamlab.ParameterError`.
Optional ``from_pandas(frame)`` and ``read_files(paths, file_format, options)`` serve
``engine="spark"`` for frames and files. Executing goes through ``expr.to_pyarrow()``.
"""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass, field

from kamlab.errors import ParameterError

__all__ = ["ENGINES", "Source", "open_source", "is_spark_frame", "file_format"]

ENGINES = ("duckdb", "spark")
_PARQUET = (".parquet", ".pq")
_CSV = (".csv", ".txt", ".tsv", ".csv.gz", ".txt.gz", ".tsv.gz")


@dataclass
class Source:
    """An Ibis table of invoice lines on an engine, and how to run expressions on it.

    ``kind`` is ``"frame"``, ``"files"``, ``"ibis"`` or ``"spark"``; ``frame`` is the pandas
    frame of a frame source (for error messages naming rows), ``paths`` the files of a file
    source. Use it as a context manager: a connection kamlab opened is closed at the end.
    """

    table: object
    engine: str
    kind: str
    frame: object = None
    paths: list = field(default_factory=list)
    file_format: str | None = None
    _close: object = None

    def execute(self, expr):
        """Run ``expr`` on the engine; the result as a pandas DataFrame (types from Arrow)."""
        with _quiet():
            return expr.to_pyarrow().to_pandas()

    def close(self):
        if self._close is not None:
            self._close()
            self._close = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _quiet():
    from kamlab.data.engines.duckdb import quiet

    return quiet()


def is_spark_frame(obj):
    """Whether ``obj`` is a Spark DataFrame (classic or Spark Connect), without importing pyspark."""
    cls = type(obj)
    return cls.__name__ == "DataFrame" and cls.__module__.startswith("pyspark.sql")


def _is_ibis_table(obj):
    cls = type(obj)
    return cls.__module__.startswith("ibis.") and cls.__name__ == "Table"


def _is_path_source(obj):
    if isinstance(obj, (str, os.PathLike)):
        return True
    return isinstance(obj, (list, tuple)) and len(obj) > 0 and all(isinstance(p, (str, os.PathLike)) for p in obj)


def _check_engine(engine, default, allowed, what):
    if engine is None:
        return default
    if engine not in ENGINES:
        raise ParameterError(f"engine must be 'duckdb' or 'spark' (or None: chosen from the source), not {engine!r}.")
    if engine not in allowed:
        raise ParameterError(f"engine={engine!r} cannot run on {what}; use engine={default!r} or leave engine=None.")
    return engine


def open_source(source, *, engine=None, function="accounts_from_transactions", frame=None, columns=None,
                csv=None, numbers=(), dates=(), memory_limit=None, progress=False):
    """The :class:`Source` of invoice lines ``source`` on ``engine`` (None: chosen from the source).

    Parameters
    ----------
    source : pandas.DataFrame, str, path, list of paths, ibis Table or pyspark.sql.DataFrame
        The invoice lines.
    engine : {"duckdb", "spark"}, optional
        None: DuckDB for frames, files and DuckDB/memtable Ibis tables; Spark for Spark
        DataFrames and PySpark Ibis tables.
    function : str
        Name of the calling function, for messages.
    frame : callable, optional
        For a pandas source: turns the frame into the frame to scan (the caller's column checks
        and conversions); default the frame as it is.
    columns : dict, optional
        File sources: ``{name in the file: canonical name}``, e.g. ``{"Kunde": "account_id"}``.
    csv : dict, optional
        CSV sources: ``sep``, ``decimal``, ``thousands``, ``date_format``, ``encoding`` (see
        :func:`kamlab.data.engines.duckdb.read_files`).
    numbers, dates : sequence of str
        Canonical columns that CSV text is parsed into as numbers or timestamps.
    memory_limit : str, optional
        DuckDB's ``SET memory_limit`` (e.g. ``"8GB"``) for the connection kamlab opens.
    progress : bool, default=False
        Show DuckDB's progress bar while a query runs.

    Examples
    --------
    >>> import pandas as pd
    >>> lines = pd.DataFrame({"account_id": ["A"], "revenue": [1.0]})
    >>> with open_source(lines) as src:
    ...     print(src.engine, src.kind, src.execute(src.table.revenue.sum().as_table()).iloc[0, 0])
    duckdb frame 1.0
    """
    import pandas as pd

    if isinstance(source, pd.DataFrame):
        engine = _check_engine(engine, "duckdb", ENGINES, "a pandas DataFrame")
        prepared = frame(source) if frame is not None else source
        if engine == "spark":
            spark = _spark_module()
            if not hasattr(spark, "from_pandas"):  # pragma: no cover - depends on the Spark module
                raise ParameterError("engine='spark' needs a Spark DataFrame; pass spark.createDataFrame(lines).")
            return Source(spark.from_pandas(prepared), "spark", "frame", frame=source)
        from kamlab.data.engines import duckdb as duck

        con, close = duck.connect(memory_limit=memory_limit, progress=progress)
        return Source(duck.scan_frame(con, prepared), "duckdb", "frame", frame=source, _close=close)
    if _is_path_source(source):
        engine = _check_engine(engine, "duckdb", ENGINES, "files")
        paths = expand_paths(source, function)
        fmt = file_format(paths)
        if engine == "spark":
            spark = _spark_module()
            if not hasattr(spark, "read_files"):  # pragma: no cover - depends on the Spark module
                raise ParameterError("engine='spark' reads no files here: read them with spark.read and pass the "
                                     "Spark DataFrame.")
            table = spark.read_files(paths, fmt, dict(csv or {}))
            return Source(_renamed(table, columns), "spark", "files", paths=paths, file_format=fmt)
        from kamlab.data.engines import duckdb as duck

        con, close = duck.connect(memory_limit=memory_limit, progress=progress)
        try:
            table = duck.read_files(con, paths, fmt, columns=columns, csv=csv, numbers=numbers, dates=dates)
        except BaseException:
            close()
            raise
        return Source(table, "duckdb", "files", paths=paths, file_format=fmt, _close=close)
    if _is_ibis_table(source):
        return _ibis_source(source, engine, memory_limit)
    if is_spark_frame(source):
        _check_engine(engine, "spark", ("spark",), "a Spark DataFrame")
        return Source(_spark_module().to_ibis(source), "spark", "spark")
    raise ParameterError(
        f"{function} needs invoice lines as a pandas DataFrame, a path or glob of Parquet/CSV files, an Ibis "
        f"table or a Spark DataFrame, not {type(source).__name__}."
    )


def _ibis_source(table, engine, memory_limit):
    try:
        backend = table._find_backend(use_default=False)
    except Exception:  # noqa: BLE001 - an unbound table (memtable): no backend of its own
        backend = None
    name = getattr(backend, "name", None)
    own = {"duckdb": "duckdb", "pyspark": "spark", None: "duckdb"}.get(name)
    if own is None:
        if engine is not None:
            raise ParameterError(f"The Ibis table is on the {name} backend; engine={engine!r} cannot run it. "
                                 "Leave engine=None to run the definition on the table's own backend.")
        return Source(table, name, "ibis")  # another Ibis backend (e.g. a warehouse): run where the table is
    engine = _check_engine(engine, own, (own,), f"an Ibis table on the {name or 'default (memtable)'} backend")
    if backend is None:
        from kamlab.data.engines import duckdb as duck

        con, close = duck.connect(memory_limit=memory_limit)
        ibis_con = duck.ibis_backend(con)

        class _Bound(Source):
            def execute(self, expr):
                with _quiet():
                    return ibis_con.to_pyarrow(expr).to_pandas()

        return _Bound(table, "duckdb", "ibis", _close=close)
    if memory_limit is not None and name == "duckdb":
        backend.raw_sql(f"SET memory_limit = '{_memory_text(memory_limit)}'")
    return Source(table, engine, "ibis")


def _memory_text(limit):
    from kamlab.data.engines.duckdb import memory_text

    return memory_text(limit)


def _renamed(table, columns):
    if not columns:
        return table
    return table.rename({new: old for old, new in columns.items() if old in table.columns})


def _spark_module():
    try:
        from kamlab.data.engines import spark
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise ParameterError(
            f"engine='spark' needs pyspark and Ibis' PySpark backend: pip install 'kamlab[spark]' ({exc})."
        ) from None
    return spark


def expand_paths(source, function="accounts_from_transactions"):
    """The files of a path, glob or list of them, sorted; a clear error when one matches nothing."""
    items = [source] if isinstance(source, (str, os.PathLike)) else list(source)
    paths = []
    for item in items:
        text = os.fspath(item)
        if glob.has_magic(text):
            found = sorted(glob.glob(text, recursive=True))
            if not found:
                raise ParameterError(f"{function}: no file matches {text!r}.")
            paths += found
        elif os.path.isdir(text):
            found = sorted(p for p in glob.glob(os.path.join(text, "**", "*"), recursive=True)
                           if os.path.isfile(p) and p.lower().endswith(_PARQUET + _CSV))
            if not found:
                raise ParameterError(f"{function}: the folder {text!r} holds no Parquet or CSV file.")
            paths += found
        elif os.path.isfile(text):
            paths.append(text)
        else:
            raise ParameterError(f"{function}: there is no file {text!r}.")
    return paths


def file_format(paths):
    """``"parquet"`` or ``"csv"`` from the files' extensions; one format per call."""
    kinds = set()
    for path in paths:
        lower = path.lower()
        if lower.endswith(_PARQUET):
            kinds.add("parquet")
        elif lower.endswith(_CSV):
            kinds.add("csv")
        else:
            raise ParameterError(
                f"{path!r} is neither Parquet (.parquet, .pq) nor CSV (.csv, .txt, .tsv, also .gz); read other "
                "files with kamlab.read_transactions and pass the frame."
            )
    if len(kinds) > 1:
        raise ParameterError("Pass Parquet and CSV files in separate calls (or convert them to one format).")
    return kinds.pop()
