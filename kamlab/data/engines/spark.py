"""Spark DataFrames as Ibis tables: the account table and RFM summary computed on a Spark cluster.

``kamlab.accounts_from_transactions(spark_df)`` and ``kamlab.rfm_summary(spark_df, ...)`` run the
same Ibis definition as the DuckDB engine, on Ibis's PySpark backend: :func:`to_ibis` registers
the Spark DataFrame as a temporary view and returns a lazy Ibis table on it. Nothing is collected
to the driver except the result (one row per account).

Dates and times (the convention)
--------------------------------
kamlab counts in *wall-clock days*, like the pandas path (a time zone-aware pandas column is read
as the local time of its zone). In Spark:

- ``DATE`` and ``TIMESTAMP_NTZ`` columns are used as they are.
- ``TIMESTAMP`` columns (Spark's default, an instant shown in the session time zone) are read as
  the wall-clock time in the time zone the session had *before* kamlab first used it
  (``spark.sql.session.timeZone``; ``time_zone=`` of :func:`to_ibis` overrides it). The conversion
  to ``TIMESTAMP_NTZ`` does not depend on the session setting at run time.
- Ibis's PySpark backend sets ``spark.sql.session.timeZone`` to ``"UTC"`` when it connects to a
  session (its results rely on that) and kamlab leaves it so: a notebook that shows its own
  ``TIMESTAMP`` columns after a kamlab call shows them in UTC. kamlab remembers the zone the
  session had, so later calls read ``TIMESTAMP`` columns as the first call did.

Every call registers one temporary view (``kamlab_lines_<hex>``, metadata only) in the session;
:func:`drop_views` removes them.

Only a local session (``local[2]``) is tested; see ``docs/engines.md`` for a cluster and Databricks.
"""

from __future__ import annotations

import threading
import uuid

from kamlab.errors import ParameterError

__all__ = ["is_spark_dataframe", "to_ibis", "to_spark", "from_pandas", "read_files", "drop_views", "VIEW_PREFIX"]

#: Prefix of the temporary views :func:`to_ibis` registers.
VIEW_PREFIX = "kamlab_lines_"

_TIME_ZONE_KEY = "spark.sql.session.timeZone"
# one Ibis backend per SparkSession (keyed by id; the session is kept to check identity) and the
# time zone the session had before Ibis set it to UTC
_BACKENDS: dict[int, tuple[object, object, str]] = {}
_LOCK = threading.Lock()
# CSV options kamlab's readers know that Spark's CSV reader (all columns as text) cannot honour
_CSV_UNSUPPORTED = ("decimal", "thousands")


def is_spark_dataframe(obj) -> bool:
    """Whether ``obj`` is a Spark DataFrame (classic or Spark Connect), without importing pyspark.

    Examples
    --------
    >>> import pandas as pd
    >>> is_spark_dataframe(pd.DataFrame({"a": [1]}))
    False
    """
    cls = type(obj)
    return cls.__name__ == "DataFrame" and cls.__module__.startswith("pyspark.sql")


def _require_pyspark():
    try:
        import pyspark  # noqa: F401
        from ibis.backends import pyspark as _ibis_pyspark  # noqa: F401
    except ImportError as exc:
        raise ParameterError(
            "engine='spark' needs pyspark and Ibis's PySpark backend: pip install 'kamlab[spark]' "
            f"(missing: {exc.name or exc})."
        ) from None


def _backend(session):
    """The Ibis PySpark backend of ``session`` (one per session) and the session's original time zone."""
    import ibis

    with _LOCK:
        entry = _BACKENDS.get(id(session))
        if entry is not None and entry[0] is session:
            return entry[1], entry[2]
        zone = session.conf.get(_TIME_ZONE_KEY)  # before Ibis sets it to UTC
        backend = ibis.pyspark.connect(session)
        _BACKENDS[id(session)] = (session, backend, zone)
        return backend, zone


def _wall_clock(frame, zone):
    """``frame`` with every top-level ``TIMESTAMP`` column as ``TIMESTAMP_NTZ``: its wall-clock time in ``zone``."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import TimestampType

    stamps = [f.name for f in frame.schema.fields if type(f.dataType) is TimestampType]
    if not stamps:
        return frame
    # unix_micros of from_utc_timestamp(ts, zone) are the wall-clock microseconds in `zone`; adding
    # them to the NTZ epoch gives the wall-clock time without any session-time-zone conversion.
    epoch = F.lit("1970-01-01 00:00:00").cast("timestamp_ntz")
    columns = {
        name: F.timestamp_add("MICROSECOND", F.unix_micros(F.from_utc_timestamp(F.col(name), zone)), epoch)
        for name in stamps
    }
    return frame.withColumns(columns)


def to_ibis(spark_df, *, time_zone=None):
    """A Spark DataFrame as a lazy Ibis table on Ibis's PySpark backend of its session.

    The frame is registered as a temporary view with a unique name; its columns keep their names
    and types, except that ``TIMESTAMP`` columns become ``TIMESTAMP_NTZ`` wall-clock times (see the
    module's notes on dates). Nothing is computed here.

    Parameters
    ----------
    spark_df : pyspark.sql.DataFrame
        Invoice lines (classic or Spark Connect DataFrame).
    time_zone : str, optional
        Time zone whose wall-clock day a ``TIMESTAMP`` column is read in, e.g. ``"Europe/Berlin"``.
        Default: the session's ``spark.sql.session.timeZone`` before kamlab first connected to it.

    Returns
    -------
    ibis.expr.types.Table
        Lazy table on the PySpark backend bound to ``spark_df.sparkSession``.

    Raises
    ------
    ParameterError
        ``spark_df`` is not a Spark DataFrame, or pyspark is not installed.

    Examples
    --------
    >>> to_ibis([1, 2])
    Traceback (most recent call last):
    ...
    kamlab.errors.ParameterError: engine='spark' needs a Spark DataFrame (pyspark.sql.DataFrame), not list...
    """
    if not is_spark_dataframe(spark_df):
        raise ParameterError(
            f"engine='spark' needs a Spark DataFrame (pyspark.sql.DataFrame), not {type(spark_df).__name__}. "
            "Pass spark.table('db.invoice_lines') or spark.read.parquet(...), or use engine='duckdb' "
            "for pandas frames and files."
        )
    _require_pyspark()
    session = spark_df.sparkSession
    backend, zone = _backend(session)
    frame = _wall_clock(spark_df, time_zone or zone)
    name = VIEW_PREFIX + uuid.uuid4().hex
    frame.createOrReplaceTempView(name)
    return backend.table(name)


def _session(session=None):
    if session is not None:
        return session
    _require_pyspark()
    from pyspark.sql import SparkSession

    session = SparkSession.getActiveSession()
    if session is None:
        raise ParameterError(
            "engine='spark' found no running SparkSession: start one "
            "(SparkSession.builder.getOrCreate()) or pass a Spark DataFrame instead."
        )
    return session


def to_spark(frame, session=None):
    """A pandas DataFrame as a Spark DataFrame of ``session``, its dates as wall-clock times.

    The frame goes through Arrow (categories as their values, text as ``STRING``); naive
    ``datetime64`` columns become ``TIMESTAMP_NTZ`` (no session time zone involved), time
    zone-aware ones their local wall-clock time, as the pandas path reads them. For tests and
    small frames: data that lives on a cluster is read there (``spark.table``, ``spark.read``).

    Parameters
    ----------
    frame : pandas.DataFrame
    session : pyspark.sql.SparkSession, optional
        Default: the active session; without one a :class:`~kamlab.ParameterError`.

    Returns
    -------
    pyspark.sql.DataFrame

    Examples
    --------
    >>> to_spark([1, 2])
    Traceback (most recent call last):
    ...
    kamlab.errors.ParameterError: engine='spark' copies a pandas DataFrame, not list.
    """
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise ParameterError(f"engine='spark' copies a pandas DataFrame, not {type(frame).__name__}.")
    session = _session(session)
    import pyarrow as pa
    import pyspark
    from pyspark.sql.pandas.types import from_arrow_schema

    zoned = [c for c in frame.columns if isinstance(frame[c].dtype, pd.DatetimeTZDtype)]
    if zoned:
        frame = frame.assign(**{c: frame[c].dt.tz_localize(None) for c in zoned})
    table = pa.Table.from_pandas(frame, preserve_index=False)
    columns = []
    for column in table.columns:
        kind = column.type.value_type if pa.types.is_dictionary(column.type) else column.type
        kind = {pa.large_string(): pa.string(), pa.large_binary(): pa.binary()}.get(kind, kind)
        if pa.types.is_null(kind):
            kind = pa.string()
        columns.append(column.cast(kind) if kind != column.type else column)
    table = pa.table(columns, names=[str(n) for n in table.column_names])
    schema = from_arrow_schema(table.schema, prefer_timestamp_ntz=True)
    if int(pyspark.__version__.split(".")[0]) >= 4:
        return session.createDataFrame(table, schema=schema)
    return session.createDataFrame(table.to_pandas(), schema=schema)  # pragma: no cover - pyspark 3.5


def from_pandas(frame, session=None):
    """A pandas DataFrame copied into the active Spark session, as an Ibis table (``engine="spark"``).

    See :func:`to_spark` (dates) and :func:`to_ibis`.

    Parameters
    ----------
    frame : pandas.DataFrame
        Invoice lines.
    session : pyspark.sql.SparkSession, optional
        Default: the active session; without one a :class:`~kamlab.ParameterError`.

    Returns
    -------
    ibis.expr.types.Table

    Examples
    --------
    >>> from_pandas([1, 2])
    Traceback (most recent call last):
    ...
    kamlab.errors.ParameterError: engine='spark' copies a pandas DataFrame, not list.
    """
    return to_ibis(to_spark(frame, session))


def read_files(paths, file_format, options=None, session=None):
    """Parquet or CSV files read by Spark (on the cluster, not the driver), as an Ibis table.

    Parameters
    ----------
    paths : str or list of str
        Files, folders or globs Spark can read (local, ``s3://``, ``abfss://``, ``dbfs:/`` ...).
    file_format : {"parquet", "csv"}
    options : dict, optional
        CSV options: ``sep`` (or ``delimiter``), ``header``, ``encoding``. Every CSV column is read as text and
        the account-table definition casts it (so a date is its wall-clock text, whatever the
        session's time zone). A decimal comma, a thousands separator or a date format other than
        ISO cannot be read this way: read those files with the DuckDB engine.
    session : pyspark.sql.SparkSession, optional
        Default: the active session.

    Returns
    -------
    ibis.expr.types.Table
        See :func:`to_ibis`.

    Examples
    --------
    >>> read_files("lines.json", "json")
    Traceback (most recent call last):
    ...
    kamlab.errors.ParameterError: engine='spark' reads file_format 'parquet' or 'csv', not 'json'.
    """
    if file_format not in ("parquet", "csv"):
        raise ParameterError(f"engine='spark' reads file_format 'parquet' or 'csv', not {file_format!r}.")
    paths = [str(paths)] if isinstance(paths, (str, bytes)) or not hasattr(paths, "__iter__") else [
        str(p) for p in paths]
    options = dict(options or {})
    session = _session(session)
    if file_format == "parquet":
        return to_ibis(session.read.parquet(*paths))
    bad = {k: options[k] for k in _CSV_UNSUPPORTED if options.get(k) not in (None, "", ".")}
    bad = {k: v for k, v in bad.items() if not (k == "decimal" and v == ".")}
    if options.get("date_format") not in (None, "", "%Y-%m-%d", "ISO8601"):
        bad["date_format"] = options["date_format"]
    if bad:
        raise ParameterError(
            f"engine='spark' cannot read CSV files with {', '.join(f'{k}={v!r}' for k, v in bad.items())}: "
            "use engine='duckdb' for these files, or convert them to Parquet first."
        )
    reader = session.read.option("header", bool(options.get("header", True))).option("inferSchema", False)
    if options.get("sep") or options.get("delimiter"):
        reader = reader.option("sep", options.get("sep") or options["delimiter"])
    if options.get("encoding"):
        reader = reader.option("encoding", options["encoding"])
    return to_ibis(reader.csv(paths))


def drop_views(session=None):
    """Drop the temporary views :func:`to_ibis` registered in ``session`` (default: the active one).

    Returns
    -------
    int
        The number of views dropped.
    """
    session = _session(session)
    names = [t.name for t in session.catalog.listTables() if t.isTemporary and t.name.startswith(VIEW_PREFIX)]
    for name in names:
        session.catalog.dropTempView(name)
    return len(names)
