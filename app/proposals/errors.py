"""The one error type of the proposals domain: a translated message and a stable code."""


class ProposalError(Exception):
    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code
