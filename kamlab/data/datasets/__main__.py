"""``python -m kamlab.data.datasets`` (``make data``): fetch every public dataset into the data home."""

from __future__ import annotations

import sys


def main(argv=None) -> int:
    """Fetch every dataset file into the data home (``KAMLAB_DATA``, or the folder given); print the table.

    Parameters
    ----------
    argv : list of str, optional
        At most one argument: the data home. Without it, ``KAMLAB_DATA`` or ``~/kamlab_data``.

    Returns
    -------
    int
        0 when every file is there and verified, 1 otherwise (the message says why).
    """
    from kamlab.data.datasets import fetch_all, get_data_home
    from kamlab.errors import KamlabError

    args = sys.argv[1:] if argv is None else list(argv)
    if len(args) > 1:
        print("usage: python -m kamlab.data.datasets [DATA_HOME]", file=sys.stderr)
        return 2
    home = get_data_home(args[0] if args else None)
    print(f"kamlab: fetching the public datasets into {home}")
    try:
        table = fetch_all(home)
    except KamlabError as exc:
        print(f"kamlab: {exc}", file=sys.stderr)
        return 1
    print(table[["name", "path", "rows", "cached"]].to_string(index=False))
    print(
        f"kamlab: all {len(table)} files are in {home}, checksums verified. For a room without internet, "
        f"copy this folder (USB stick, shared drive) and set KAMLAB_DATA to the copy."
    )
    return 0


if __name__ == "__main__":  # pragma: no cover - run by make data
    sys.exit(main())
