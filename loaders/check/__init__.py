"""Checking the plain model: POA findings, progress and semáforo, budget rules (EAEPE), alignment
coverage, and what changed between two versions. Pure functions, no I/O.
"""
