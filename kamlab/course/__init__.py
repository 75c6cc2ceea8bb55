"""The course's exercises, one module per notebook (``chapter00`` for ``00_start_here``, ...).

Each module holds :class:`kamlab.exercises.Exercise` objects named ``q1``, ``q2``, ...
whose right answers are computed with kamlab from the course data, so the notebooks stay
short and every check is tested code (``tests/test_course.py``).
"""
