"""The course: the exercise helper, the set-up check, and the exercises of each notebook.

:class:`~kamlab.course.exercises.Exercise` is the self-checking exercise; ``chapter00`` ...
``chapter07`` hold each notebook's exercises (``q1``, ``q2``, ...) whose right answers are
computed with kamlab from the course data, so the notebooks stay short and every check is
tested code; :func:`~kamlab.course.setup_check.check_setup` is the set-up check of notebook 00.
"""
