"""Private helpers of kamlab: number formatting, plotting helpers, argument checks, German/English labels.

Nothing here is public API (the label functions are re-exported as ``kamlab.label`` etc.).
"""
