"""Rabta's version: one place that main.py, the window's About box and the installer's
check read, below every layer so that none imports another to learn it."""

__version__ = "0.1.0"
