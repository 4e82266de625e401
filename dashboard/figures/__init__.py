"""Figures as pure functions, plain data in and a Plotly figure out: the POA pages, the history of
versions, the budget and the state overview.
"""
