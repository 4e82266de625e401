"""The exceptions the loaders raise for the user: each carries one plain Spanish sentence.

`NotAPoaWorkbook`: the file is not a readable POA workbook.
`StorageUnavailable` (and its kinds `StorageBusy`, `StorageFull`): the database refused a write;
the transaction was rolled back, so nothing of it was stored.
"""


class NotAPoaWorkbook(Exception):
    """The file cannot be read as a POA workbook. The message is one plain Spanish sentence."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


BUSY_MESSAGE = (
    "La base de datos está ocupada por otra carga; espere unos segundos e intente de nuevo. "
    "No se guardó nada."
)
FULL_MESSAGE = (
    "No hay espacio suficiente en el disco del servidor para guardar; avise al administrador. "
    "No se guardó nada y los datos anteriores siguen intactos."
)
FAILED_MESSAGE = (
    "No se pudo escribir en la base de datos (falla del disco o de la conexión con el servidor); "
    "intente de nuevo y, si se repite, avise al administrador. No se guardó nada."
)


class StorageUnavailable(Exception):
    """The database could not store a write; nothing was saved (the transaction rolled back).

    `reason` is "busy" (`StorageBusy`), "full" (`StorageFull`) or "failed" (any other database
    failure: disk I/O error, lost connection, read-only file); `message` is one plain Spanish
    sentence for the user.
    """

    reason = "failed"
    default_message = FAILED_MESSAGE

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)


class StorageBusy(StorageUnavailable):
    """Another writer held the database longer than the wait allows (lock, serialization)."""

    reason = "busy"
    default_message = BUSY_MESSAGE


class StorageFull(StorageUnavailable):
    """The disk (or the database's size limit) is full."""

    reason = "full"
    default_message = FULL_MESSAGE
