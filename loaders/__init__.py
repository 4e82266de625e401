"""Reading, checking and storing POA workbooks. Knows nothing of Dash."""
