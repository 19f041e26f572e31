"""The one error type of the directory: a translated message, a stable code and the field it is about."""


class DirectoryError(Exception):
    def __init__(self, message: str, code: str, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.field = field
