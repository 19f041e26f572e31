"""What both SMS adapters share: one HTTP session (kept-alive connections), timeouts, and the sorting
of answers into temporary and permanent failures."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.messages.channels.base import ConfigurationError, PermanentFailure, TemporaryFailure, short

if TYPE_CHECKING:
    import requests

# requests (about 17 MB with its dependencies) is imported when an SMS gateway is first used, so a
# web worker, which only queues messages, never loads it.

TIMEOUT = (5.0, 20.0)  # seconds to connect, seconds to wait for the answer


class HttpAdapter:
    name = "sms"
    label = "SMS gateway"

    def __init__(self, timeout=TIMEOUT):
        import requests

        self.timeout = timeout
        self.http = requests.Session()

    def request(self, method: str, url: str, **kwargs) -> requests.Response:
        import requests

        try:
            return self.http.request(method, url, timeout=self.timeout, **kwargs)
        except requests.Timeout as error:
            raise TemporaryFailure(f"{self.label}: no answer in time ({short(error, 200)})") from error
        except requests.RequestException as error:
            raise TemporaryFailure(f"{self.label} unreachable: {short(error, 200)}") from error

    def refuse(self, response: requests.Response, detail: str) -> None:
        """Raise the failure an unsuccessful answer means: 4xx (except 401/403/408/429) is the message's
        own fault; the rest (server errors, busy, credentials) may pass later."""
        reason = f"{self.label} answered {response.status_code}: {short(detail, 400)}"
        if 400 <= response.status_code < 500 and response.status_code not in (401, 403, 408, 429):
            raise PermanentFailure(reason)
        raise TemporaryFailure(reason)

    def check_answer(self, url: str, **kwargs) -> None:
        import requests

        try:
            response = self.http.get(url, timeout=self.timeout, **kwargs)
        except requests.RequestException as error:
            raise ConfigurationError(
                f"Cannot reach the {self.label} named by JIWAR_SMS_URL: {short(error, 200)}"
            ) from error
        if response.status_code in (401, 403):
            raise ConfigurationError(f"The {self.label} refused the credentials of JIWAR_SMS_URL "
                                     f"({response.status_code}).")
        if response.status_code >= 400:
            raise ConfigurationError(
                f"The {self.label} named by JIWAR_SMS_URL answered {response.status_code}."
            )

    def close(self) -> None:
        self.http.close()


def error_text(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text
    if isinstance(body, dict):
        text = str(body.get("message") or body.get("error") or body)
        return f"{text} (code {body['code']})" if body.get("code") else text  # Twilio's error code
    return str(body)
