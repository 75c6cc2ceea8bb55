"""Exercises of notebook ``03_segmentation``.

The right answers are computed with kamlab (:func:`~kamlab.select_k`,
:class:`~kamlab.AccountSegmenter`, :func:`~kamlab.rfm_scores`) on the UCI Wholesale
customers and on the case company's accounts with revenue in 2025;
``tests/test_course_chapter03.py`` computes them again with numpy and scikit-learn's
own estimators.
"""

from functools import cache

from kamlab.course.exercises import Exercise, name_exercises, translate_exercises
from kamlab.course.judgement import Choice, Explain

__all__ = ["SPEND", "FEATURES", "RFM_ACCOUNT", "q1", "q2", "q3", "q4", "q5", "q6"]

#: The six spend columns of the Wholesale customers (the notebook's ``SPEND``).
SPEND = ["fresh", "milk", "grocery", "frozen", "detergents_paper", "delicatessen"]
#: The features of the case company's segmentation (the notebook's ``FEATURES``).
FEATURES = ["revenue", "orders", "margin_rate", "recency_days", "n_offerings"]
#: The account of exercise 4.
RFM_ACCOUNT = "K00558"
#: The seed of every clustering in the notebook.
SEED = 0


@cache
def _clients():
    from kamlab.data.datasets import fetch_wholesale

    return fetch_wholesale()


@cache
def _accounts():
    """The accounts with revenue in 2025 (the notebook's ``accounts``)."""
    from kamlab.data.case import load_case

    table = load_case().account_table(2025)
    return table[table["revenue"] > 0].reset_index(drop=True)


def _bic_k():
    from kamlab.segment import select_k

    table = select_k(_clients(), features=SPEND, method="gmm", criterion="bic", random_state=SEED, progress=False)
    return int(table.attrs["recommended_k"])


def _robust_agreement():
    from kamlab.segment import AccountSegmenter, segment_agreement

    clients = _clients()
    segments = AccountSegmenter(SPEND, scaler="robust", n_segments=2, random_state=SEED,
                                progress=False).fit_predict(clients)
    return segment_agreement(segments, clients["channel"])


def _biggest_of_five():
    import numpy as np

    from kamlab.segment import AccountSegmenter

    segments = AccountSegmenter(FEATURES, n_segments=5, random_state=SEED, progress=False).fit_predict(_accounts())
    return int(np.bincount(segments).max())


def _rfm_code():
    from kamlab.segment import rfm_scores

    scores = rfm_scores(_accounts()).set_index("account_id")
    return str(scores.at[RFM_ACCOUNT, "rfm"])


q1 = Exercise(
    "Wholesale: the k a Gaussian mixture's BIC recommends (k from 2 to 10)",
    expected=_bic_k,
    hint=(
        'The table of k of section 4, for a Gaussian mixture judged by the BIC (seed 0): the recommended k '
        'travels with the table, and its reason says how the other indices disagree.'
    ),
    solution=(
        "bic_table = kamlab.select_k(clients, features=SPEND, method='gmm', criterion='bic', random_state=0,\n"
        "                            progress=False)\n"
        "k_bic = bic_table.attrs['recommended_k']   # the BIC keeps falling longer than the silhouette"
    ),
)

q2 = Exercise(
    "Wholesale: share of clients in their channel's segment (k-means, k = 2, log1p, robust scaling; 3 decimals)",
    expected=_robust_agreement,
    rtol=1e-3,
    decimals=3,
    hint=(
        'Repeat the Wholesale comparison of segments and channels with the robust scaler; of the two ways to '
        'match two segments to two channels keep the better one. The answer is a share (0 to 1), not a '
        'percentage.'
    ),
    solution=(
        "robust = kamlab.AccountSegmenter(SPEND, scaler='robust', n_segments=2, random_state=0,\n"
        "                                 progress=False).fit_predict(clients)\n"
        "robust_agreement = kamlab.segment_agreement(robust, clients['channel'])"
    ),
)

q3 = Exercise(
    "Case company: accounts in the biggest of five segments (the five features, k-means)",
    expected=_biggest_of_five,
    hint=(
        'Fit the segmenter on the five features with five segments (seed 0) and find the size of the biggest '
        'segment; the segments are numbered by size.'
    ),
    solution=(
        "five = kamlab.AccountSegmenter(FEATURES, n_segments=5, random_state=0, progress=False).fit(accounts)\n"
        "biggest = int((five.labels_ == 0).sum())"
    ),
)

q4 = Exercise(
    f"The RFM code of account {RFM_ACCOUNT} in 2025 (as text, such as '543')",
    expected=_rfm_code,
    hint=(
        "kamlab's RFM scores give every account a three-digit code; find the account asked for and answer with "
        "the code as text, e.g. '543', not as a number."
    ),
    solution=(
        "scores = kamlab.rfm_scores(accounts)\n"
        f"rfm_code = scores.loc[scores['account_id'] == '{RFM_ACCOUNT}', 'rfm'].iloc[0]"
    ),
)

q5 = Choice(
    ("Choosing k for the service models", "k für die Betreuungsmodelle wählen"),
    question=(
        "On the case company the silhouette prefers k = 2, the elbow points to k = 4, and k = 4 is stable (a mean "
        "ARI of about 0.8 over resamples). How many segments do you take to design service models?",
        "In der Fallstudie bevorzugt die Silhouette k = 2, der Ellbogen zeigt auf k = 4, und k = 4 ist stabil (ein "
        "mittlerer ARI von etwa 0,8 über Stichproben). Wie viele Segmente nimmst du, um Betreuungsmodelle zu "
        "entwerfen?",
    ),
    options={
        "a": (
            ("2: the silhouette is the best index.", "2: die Silhouette ist der beste Index."),
            ("Not yet: the indices are evidence, not the answer. Two segments are often just 'big' and 'small' — "
             "too coarse for a key-account team, field sales, inside sales and a web shop.",
             "Noch nicht: die Indizes sind Hinweise, nicht die Antwort. Zwei Segmente sind oft nur 'groß' und "
             "'klein' — zu grob für ein Key-Account-Team, Außendienst, Innendienst und einen Webshop."),
        ),
        "b": (
            ("4: the elbow supports it, it is stable enough, and four segments can each get their own way of being "
             "served — if their profiles differ in what the service models differ in.",
             "4: der Ellbogen stützt es, es ist stabil genug, und vier Segmente können je eine eigene Betreuung "
             "bekommen — wenn sich ihre Profile darin unterscheiden, worin sich die Betreuungsmodelle unterscheiden."),
            ("Right: the elbow, stability and whether the segments can be served differently decide together; read "
             "the profiles before you name the segments.",
             "Richtig: Ellbogen, Stabilität und ob die Segmente verschieden betreut werden können, entscheiden "
             "zusammen; lies die Profile, bevor du den Segmenten Namen gibst."),
        ),
        "c": (
            ("10: more segments describe the customers more precisely.",
             "10: mehr Segmente beschreiben die Kunden genauer."),
            ("Not yet: a company has a few service models, not ten; segments nobody serves differently are only "
             "description, and stability falls as k grows.",
             "Noch nicht: ein Unternehmen hat wenige Betreuungsmodelle, nicht zehn; Segmente, die niemand verschieden "
             "betreut, sind nur Beschreibung, und die Stabilität sinkt mit wachsendem k."),
        ),
        "d": (
            ("Whatever the BIC of a Gaussian mixture recommends.", "Was der BIC einer Gaußschen Mischung empfiehlt."),
            ("Not yet: the BIC is one more index; it keeps falling longer than the others (exercise 1). No single "
             "index decides.",
             "Noch nicht: der BIC ist nur ein weiterer Index; er fällt länger als die anderen (Aufgabe 1). Kein "
             "einzelner Index entscheidet."),
        ),
    },
    answer="b",
    hint=("Sections 4 and 5, and the discussion: what besides an index should decide k?",
          "Abschnitte 4 und 5 und die Diskussion: was außer einem Index sollte über k entscheiden?"),
)

q6 = Explain(
    ("Stable is not meaningful", "Stabil heißt nicht aussagekräftig"),
    question=(
        "The case company's segments are stable from sample to sample, yet they match the customers' hidden buyer "
        "types only moderately. What does this tell you, and what would you change before you build service models "
        "on them?",
        "Die Segmente der Fallstudie sind von Stichprobe zu Stichprobe stabil, passen aber nur mäßig zu den "
        "verborgenen Käufertypen der Kunden. Was sagt dir das, und was würdest du ändern, bevor du Betreuungsmodelle "
        "darauf baust?",
    ),
    model_answer=(
        "Stability only says that the clustering finds the same groups again in the same features; it does not say "
        "that the groups mean something for the business. Check segments against something outside the clustering "
        "(here the hidden types, in practice what the key-account managers know or the sales channel). The features "
        "decide more than the algorithm: choose features that describe what the service models differ in — what "
        "customers buy (the product mix), how they order, what serving them costs — prepare them (log1p, scaling), "
        "and test again.",
        "Stabilität sagt nur, dass die Clusteranalyse in denselben Merkmalen dieselben Gruppen wiederfindet; sie sagt "
        "nicht, dass die Gruppen für das Geschäft etwas bedeuten. Prüfe Segmente an etwas außerhalb der "
        "Clusteranalyse (hier die verborgenen Typen, in der Praxis das Wissen der Key-Account-Manager oder der "
        "Vertriebsweg). Die Merkmale entscheiden mehr als der Algorithmus: wähle Merkmale, die beschreiben, worin sich "
        "die Betreuungsmodelle unterscheiden — was Kunden kaufen (der Produktmix), wie sie bestellen, was ihre "
        "Betreuung kostet —, bereite sie auf (log1p, Skalierung) und prüfe erneut."),
    points=[
        ("stability is not meaning", "Stabilität ist nicht Bedeutung"),
        ("check against something outside the clustering", "an etwas außerhalb der Clusteranalyse prüfen"),
        ("better features (the product mix) matter more than the algorithm",
         "bessere Merkmale (der Produktmix) zählen mehr als der Algorithmus"),
    ],
)

translate_exercises(globals(), {  # the German titles and hints
    "q1": (
        'Wholesale: das k, das der BIC einer Gaußschen Mischung empfiehlt (k von 2 bis 10)',
        'Die k-Tabelle von Abschnitt 4, für eine Gaußsche Mischung nach dem BIC (Seed 0): das empfohlene k reist '
        'mit der Tabelle, und ihre Begründung sagt, wie die anderen Indizes abweichen.',
    ),
    "q2": (
        'Wholesale: Anteil der Kunden im Segment ihres Vertriebswegs (k-means, k = 2, log1p, robuste Skalierung; '
        '3 Nachkommastellen)',
        'Wiederhole den Wholesale-Vergleich von Segmenten und Vertriebswegen mit dem robusten Skalierer; von den '
        'zwei Zuordnungen zweier Segmente zu zwei Vertriebswegen behalte die bessere. Die Antwort ist ein Anteil '
        '(0 bis 1), keine Prozentzahl.',
    ),
    "q3": (
        'Fallstudie: Kunden im größten von fünf Segmenten (die fünf Merkmale, k-means)',
        'Passe den Segmentierer mit den fünf Merkmalen und fünf Segmenten an (Seed 0) und finde die Größe des '
        'größten Segments; die Segmente sind nach Größe nummeriert.',
    ),
    "q4": (
        f"Der RFM-Code von Kunde {RFM_ACCOUNT} im Jahr 2025 (als Text, etwa '543')",
        'kamlabs RFM-Scores geben jedem Kunden einen dreistelligen Code; finde den gefragten Kunden und antworte '
        "mit dem Code als Text, etwa '543', nicht als Zahl.",
    ),
})

name_exercises(globals())
