"""The expected failures of registration, each with a message for the person and its field."""

from __future__ import annotations

from plenary.i18n import lazy_gettext as _l


class RegistrationError(Exception):
    """A change refused for a reason the person can act on; views show `message`."""

    message = _l("This change cannot be made.")

    def __init__(self, message=None, field: str | None = None) -> None:
        super().__init__(str(message or self.message))
        if message is not None:
            self.message = message
        self.field = field

    def attach(self, form) -> bool:
        """Put the message next to its field on the form; False when there is no such field."""
        field = getattr(form, self.field, None) if self.field else None
        if field is None:
            return False
        field.errors = [*field.errors, self.message]
        return True


class RegistrationClosed(RegistrationError):
    message = _l("Registration for this event is closed: only the Secretariat can change it now.")


class DelegationFull(RegistrationError):
    message = _l("The delegation has reached the event's size limit.")


class EmailTaken(RegistrationError):
    message = _l("This email address is already registered for the event.")

    def __init__(self, message=None, field: str | None = "email") -> None:
        super().__init__(message, field)


class HeadTaken(RegistrationError):
    message = _l("The delegation already has a head.")

    def __init__(self, message=None, field: str | None = "role") -> None:
        super().__init__(message, field)


class StaleAnswer(RegistrationError):
    message = _l(
        "Someone else saved an answer for your State while you were editing: "
        "it is shown below. Check it, then save yours again."
    )


class StaleDelegate(RegistrationError):
    message = _l(
        "Someone else changed this delegate while you were editing: the saved details are "
        "shown below. Check them, then save yours again."
    )


class NotAllowedNow(RegistrationError):
    message = _l("This cannot be done in the delegation's present state.")


class NotTakingPart(RegistrationError):
    message = _l("Your answer says that your State does not take part: change it, then submit.")


class IncompleteDelegation(RegistrationError):
    message = _l("Add at least one delegate, with a head of delegation, before submitting.")


class BadUpload(RegistrationError):
    message = _l("This file cannot be accepted.")
