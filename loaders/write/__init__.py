"""The one workbook writer: a small xlsx writer and the POA and spending workbook layouts."""
