"""Messages that reach people: channels (SMTP email, SMS gateways, the log), the worker that drains the
outbox (`flask jiwar worker`), delivery receipts, and the administrators' page of failed messages.

It sits above the domains whose messages it words (compose.py reads them) and below privacy and
reports; nothing else imports it: domains queue through app/core/notifications.py."""
