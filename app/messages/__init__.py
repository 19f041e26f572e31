"""Messages that reach people: what each notification says (compose), in which language and on which
channel, when it may go (quiet hours, reminders), each person's preferences (unsubscribe, STOP); the
channels (SMTP email, SMS gateways, the log), the worker that drains the outbox (`flask jiwar worker`),
delivery receipts, and the administrators' page of failed messages.

It reads every domain's objects to write a message about them, so it sits above events, proposals and
directory, and below privacy and reports; nothing below imports it: domains queue through
app/core/notifications.py."""
