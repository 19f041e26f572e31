"""Domain errors: a translated message a person can act on and a stable code tests and views use."""


class EventError(Exception):
    def __init__(self, message, code: str, field: str | None = None, status: int = 400):
        super().__init__(str(message))
        self.message = str(message)
        self.code = code
        self.field = field  # the form field the message belongs to, when there is one
        self.status = status


class RegistrationError(EventError):
    pass


class StaleEventError(EventError):
    """Someone saved the event after this form was opened."""


class DoorError(EventError):
    pass


class DeskError(EventError):
    pass


class PaperError(DoorError):
    """A paper sheet that cannot be typed in as it is: nothing of it is recorded."""
