"""Storing and reading back: the engine, the schema and its migrations, versions, budget movements,
queries, the state overview, accounts and the audit trail.
"""
