"""Registry sync: copying one registry into another and merging two; the sanctioned direct
writers.
"""
