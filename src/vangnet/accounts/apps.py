from typing import Any

from vangnet.core.app import VangnetAppConfig


class AccountsConfig(VangnetAppConfig):
    name = "vangnet.accounts"
    label = "accounts"
    verbose_name = "Accounts"
    default = True
    mails = "mails"

    def ready(self) -> None:
        super().ready()
        # allauth announces a new second factor only through this signal (there is no adapter
        # hook for it); setting up one's first second factor counts as passing it in this session.
        from allauth.mfa.signals import authenticator_added

        authenticator_added.connect(_first_second_factor_added,
                                    dispatch_uid="vangnet.accounts.first_second_factor")


def _first_second_factor_added(sender: Any, request: Any = None, user: Any = None,
                               authenticator: Any = None, **kwargs: Any) -> None:
    from .second_factor import record_first_second_factor

    if user is not None and authenticator is not None:
        record_first_second_factor(request, user, authenticator)
