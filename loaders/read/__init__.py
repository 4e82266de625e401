"""Reading workbooks into the plain model (`loaders.model`): the guards before parsing, the cell
grid, styles, tables found by header, values, identity, and the POA, spending and alignment
readers.
"""
