"""Writes for accounts and organisations.

Services take plain values and models, flush only, audit every write and queue
e-mail in the same transaction. Refusals raise DomainError with a translatable message.
"""

from compete.accounts.services.login import LoginThrottled, authenticate, check_throttle
from compete.accounts.services.mail_requests import (
    process_mail_requests,
    request_password_reset,
    request_registration,
    request_verification,
)
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
from compete.accounts.services.sessions import change_password, end_sessions
from compete.accounts.services.users import (
    LANGUAGES,
    create_user,
    export_user_data,
    reset_password,
    reset_token,
    send_reset,
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
    "change_password",
    "check_throttle",
    "create_organisation",
    "create_user",
    "decide_buyer",
    "end_sessions",
    "export_user_data",
    "invitation_for_token",
    "invitation_token",
    "invite",
    "process_mail_requests",
    "request_buyer_status",
    "request_password_reset",
    "request_registration",
    "request_verification",
    "reset_password",
    "reset_token",
    "send_reset",
    "send_verification",
    "set_officer",
    "update_profile",
    "user_for_reset_token",
    "verification_token",
    "verify_email",
]
