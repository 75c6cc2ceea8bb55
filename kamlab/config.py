"""kamlab's settings: the language it speaks and the threads its fits may use. The only global state.

Each setting has a session-wide default, set with a ``set_*`` function, and a ``with``
block that overrides it for the code inside. The overrides live in
:mod:`contextvars`, so a ``with kamlab.language("de"):`` in one thread (or asyncio
task) does not change the language of another; the defaults are plain module state,
so ``kamlab.set_language("de")`` in one notebook cell still holds in the next (IPython
may run each cell in a context of its own).

Threads
-------
By default kamlab leaves the thread pools of OpenMP and BLAS (used by scikit-learn,
numpy and scipy) as those libraries set them: a 16-core laptop uses its cores. The
environment variable ``KAMLAB_THREADS`` sets the default when kamlab is imported
(``make test``, ``make execute`` and CI set ``KAMLAB_THREADS=1``: on a loaded 2-core
machine the threads of a small fit wait for each other far longer than they compute,
e.g. a gradient-boosting wallet fit on 1,753 accounts took 70–80 s with two OpenMP
threads and 0.17 s with one, and one thread gives the same numbers on every machine).

Examples
--------
>>> import kamlab
>>> kamlab.get_language()
'en'
>>> with kamlab.language("de"):
...     kamlab.get_language()
'de'
>>> with kamlab.threads(1):
...     kamlab.get_threads()
1
"""

from __future__ import annotations

import contextlib
import contextvars
import os

from kamlab.errors import ParameterError

__all__ = [
    "LANGUAGES",
    "THREADS_ENV",
    "set_language",
    "get_language",
    "language",
    "set_threads",
    "get_threads",
    "threads",
    "thread_limits",
]

#: The languages kamlab speaks.
LANGUAGES = ("en", "de")
#: The environment variable read at import for the default number of threads.
THREADS_ENV = "KAMLAB_THREADS"

_UNSET = object()
_defaults = {"language": "en", "threads": None}
_language_override = contextvars.ContextVar("kamlab_language", default=_UNSET)
_threads_override = contextvars.ContextVar("kamlab_threads", default=_UNSET)


# ----------------------------------------------------------------------------- language
def _check_language(language):
    code = str(language).lower()
    if code not in LANGUAGES:
        raise ParameterError(
            f"kamlab speaks {' and '.join(repr(c) for c in LANGUAGES)}, not {language!r}. "
            "Use kamlab.set_language('de') for German or kamlab.set_language('en') for English."
        )
    return code


def set_language(language):
    """Set the language of kamlab's labels, charts, tables and messages.

    Parameters
    ----------
    language : {"en", "de"}
        ``"en"`` for English (the default), ``"de"`` for German.
    """
    _defaults["language"] = _check_language(language)


def get_language():
    """Return the current language, ``"en"`` or ``"de"``."""
    override = _language_override.get()
    return _defaults["language"] if override is _UNSET else override


@contextlib.contextmanager
def language(code):
    """Use another language inside a ``with`` block.

    Examples
    --------
    >>> import kamlab
    >>> with kamlab.language("de"):
    ...     kamlab.label("contribution_margin")
    'Deckungsbeitrag'
    """
    token = _language_override.set(_check_language(code))
    try:
        yield
    finally:
        _language_override.reset(token)


# ----------------------------------------------------------------------------- threads
def _check_threads(n):
    if n is None:
        return None
    if isinstance(n, str):
        text = n.strip().lower()
        if text in ("", "none", "default"):
            return None
        try:
            n = int(text)
        except ValueError:
            raise ParameterError(
                f"The number of threads must be a whole number ≥ 1 or None (the libraries' default); got {n!r}."
            ) from None
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ParameterError(
            f"The number of threads must be a whole number ≥ 1 or None (the libraries' default); got {n!r}."
        )
    return n


def set_threads(n):
    """Limit the OpenMP and BLAS threads of kamlab's fits, or lift the limit.

    Parameters
    ----------
    n : int or None
        At most ``n`` threads in the clustering, wallet and CLV fits; ``None`` (the
        default) leaves the libraries' own setting (usually one thread per core).
    """
    _defaults["threads"] = _check_threads(n)


def get_threads():
    """Return the current thread limit of kamlab's fits (``None``: the libraries' default)."""
    override = _threads_override.get()
    return _defaults["threads"] if override is _UNSET else override


@contextlib.contextmanager
def threads(n):
    """Use another thread limit inside a ``with`` block (``None``: the libraries' default)."""
    token = _threads_override.set(_check_threads(n))
    try:
        yield
    finally:
        _threads_override.reset(token)


_CONTROLLER = {}


def thread_limits(user_api=None):
    """The context every kamlab fit runs in: OpenMP/BLAS limited to :func:`get_threads` threads.

    A no-op when the limit is ``None``. ``user_api="blas"`` limits BLAS only (scipy's
    optimisers). threadpoolctl's controller inspects every loaded native library, which
    takes milliseconds: it is kept, and made again only when modules were imported since
    (a new module may have loaded another OpenMP or BLAS library).
    """
    n = get_threads()
    if n is None:
        return contextlib.nullcontext()
    import sys

    from threadpoolctl import ThreadpoolController  # installed with scikit-learn

    if _CONTROLLER.get("modules") != len(sys.modules):
        _CONTROLLER["controller"] = ThreadpoolController()
        _CONTROLLER["modules"] = len(sys.modules)
    return _CONTROLLER["controller"].limit(limits=n, user_api=user_api)


def _read_environment():
    value = os.environ.get(THREADS_ENV)
    if value is None:
        return
    try:
        _defaults["threads"] = _check_threads(value)
    except ParameterError as error:
        raise ParameterError(f"The environment variable {THREADS_ENV}={value!r}: {error}") from None


_read_environment()
