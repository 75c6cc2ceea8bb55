"""Engines: the account table and the RFM/BTYD summary run where the invoice lines are.

- :mod:`~kamlab.data.engines.definition`: THE definition of both, as Ibis expressions (the
  business rules, written once);
- :mod:`~kamlab.data.engines.sources`: a pandas frame, Parquet/CSV files, an Ibis table or a
  Spark DataFrame turned into an Ibis table on its engine, and ``engine=`` chosen;
- :mod:`~kamlab.data.engines.duckdb`: the embedded engine (frames scanned in place, files read
  out of core and parsed exactly, memory limit, progress bar);
- :mod:`~kamlab.data.engines.spark`: the Spark DataFrame as an Ibis table on the PySpark backend.

Nothing here is imported by ``import kamlab``; Ibis and DuckDB load on the first call.
"""
