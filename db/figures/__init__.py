"""Figures: the quarterly report's and the Dashboard's numbers, computed for the person asking."""
