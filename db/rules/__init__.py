"""Rules both the write path (db/store) and the read path (db/queries) apply: who sees what, a
contact's mission, the audit chain's hash, settings.
"""
