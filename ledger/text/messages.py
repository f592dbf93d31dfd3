"""What Sentinel sends to people outside the app: reminder and escalation e-mails and SMS, and the
work groups' robot messages. They go out in Chinese; the English is there for reviewers and for
a deployment that needs it."""

TEXT: dict[str, tuple[str, str]] = {
}
