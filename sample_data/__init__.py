"""The sample data: the real seed POA (Migrantes y Ex braceros 2026), three EJEMPLO areas and an
example spending workbook, and the thin scripts that say what they hold."""
