"""Writes for accounts and organisations.

Services take plain values and models, flush only, audit every write and queue
e-mail in the same transaction. Refusals raise DomainError with a translatable message.
"""

from compete.accounts.services.organisations import (
    INVITATION_MAX_AGE_SECONDS,
    accept_invitation,
    create_organisation,
    decide_buyer,
    invitation_for_token,
    invitation_token,
    invite,
    request_buyer_status,
    set_officer,
)
from compete.accounts.services.users import (
    LANGUAGES,
    LoginThrottled,
    authenticate,
    check_throttle,
    export_user_data,
    register,
    request_password_reset,
    reset_password,
    reset_token,
    send_verification,
    update_profile,
    user_for_reset_token,
    verification_token,
    verify_email,
)

__all__ = [
    "INVITATION_MAX_AGE_SECONDS",
    "LANGUAGES",
    "LoginThrottled",
    "accept_invitation",
    "authenticate",
    "check_throttle",
    "create_organisation",
    "decide_buyer",
    "export_user_data",
    "invitation_for_token",
    "invitation_token",
    "invite",
    "register",
    "request_buyer_status",
    "request_password_reset",
    "reset_password",
    "reset_token",
    "send_verification",
    "set_officer",
    "update_profile",
    "user_for_reset_token",
    "verification_token",
    "verify_email",
]
