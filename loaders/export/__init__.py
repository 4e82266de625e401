"""Open data (Ley General de Transparencia, art. 70): every real POA on a fecha de corte as CSV
and JSON tables with a data dictionary in Spanish, in a ZIP or a folder.

- `columns`: the tables and their columns, in order, with what each one means (one source for
  the files' headers and the dictionary);
- `rows`: the tables' rows, computed from the stored versions with the checks the pages use;
- `dictionary`: the `LEEME.md` data dictionary;
- `files`: CSV, JSON, and writing them into a ZIP or a folder.
"""
