"""Messages that reach people: what each notification says (compose), in which language and on which
channel, when it may go (quiet hours, reminders), and each person's preferences (unsubscribe, STOP).

It reads every domain's objects to write a message about them, so it sits above events and proposals;
nothing below imports it. The outbox itself is core's (app/core/notifications.py)."""
