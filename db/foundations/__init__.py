"""Foundations every part of db/ stands on: the models, errors, labels, periods, the engine,
the acting user.
"""
