"""The cabildo report of a POA at a fecha de corte: its data, the PDF, the Excel workbook and the
download routes.
"""
