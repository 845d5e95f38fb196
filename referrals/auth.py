"""Token authentication for the JSON API, for the volunteers' mobile app.

``POST /api/referrals/auth/token/`` with username and password returns a random key once;
the app sends it as ``Authorization: Token <key>`` (``Bearer`` is accepted too). Only a
SHA-256 hash of the key is stored. A key lasts ``REFERRALS_TOKEN_HOURS`` (default 24);
``POST /api/referrals/auth/token/refresh/`` with a valid key swaps it for a new one (the old one
dies), for at most ``REFERRALS_TOKEN_MAX_DAYS`` (default 30) after the password was given: then
the app asks for the password again. ``created_at`` of a refreshed key is that moment, carried over.
``DELETE /api/referrals/auth/token/`` revokes the one in use. Staff pages use the session.

Every key of a person dies (:func:`tokens_revoke_all`) when their password changes or is reset,
when the account is deactivated, when their last membership ends (``referrals.signals``) and when
an administrator revokes them from the admin (Settings › Users › "Revoke API tokens").
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from .models import ApiToken

KEYWORDS = (b"token", b"bearer")
LOCKED_OUT = _(
    "Too many wrong passwords for this account from your address: try again in a few minutes, "
    "or ask an administrator to unlock it."
)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _lifetime() -> timedelta:
    return timedelta(hours=int(getattr(settings, "REFERRALS_TOKEN_HOURS", 24)))


def _longest() -> timedelta:
    return timedelta(days=int(getattr(settings, "REFERRALS_TOKEN_MAX_DAYS", 30)))


def token_issue(*, user, name: str = "", logged_in_at=None) -> tuple[ApiToken, str]:
    """A new token for ``user``; the key is returned once and never stored. ``logged_in_at``: when the
    password was given (a refresh carries it over); the key never outlives ``REFERRALS_TOKEN_MAX_DAYS`` from then."""
    key = secrets.token_urlsafe(32)
    now = timezone.now()
    logged_in_at = logged_in_at or now
    with transaction.atomic():
        token = ApiToken(
            user=user,
            name=(name or "").strip()[:100],
            prefix=key[:8],
            key_hash=_hash(key),
            created_at=logged_in_at,
            expires_at=min(now + _lifetime(), logged_in_at + _longest()),
        )
        token.full_clean()
        token.save()
    return token, key


def token_refresh(*, token: ApiToken) -> tuple[ApiToken, str] | None:
    """A new key in place of ``token`` (revoked at once), or None once the password must be given again."""
    if timezone.now() >= token.created_at + _longest():
        return None
    with transaction.atomic():
        revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        if not revoked:  # refreshed twice at once: only the first gets a key
            return None
        return token_issue(user=token.user, name=token.name, logged_in_at=token.created_at)


def token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def tokens_revoke_all(*, user) -> int:
    """Revokes every live key of ``user``; returns how many."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


class TokenAuthentication(BaseAuthentication):
    """``Authorization: Token <key>`` (or ``Bearer <key>``)."""

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() not in KEYWORDS:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send the header as: Authorization: Token <key>."))
        try:
            key = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        now = timezone.now()
        token = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=_hash(key), revoked_at__isnull=True, expires_at__gt=now)
            .first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return "Token"
