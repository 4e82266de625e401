"""The one exception a reader raises: the file is not a readable POA workbook."""


class NotAPoaWorkbook(Exception):
    """The file cannot be read as a POA workbook. The message is one plain Spanish sentence."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
