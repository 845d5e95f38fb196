"""Token authentication for the JSON API, for the volunteers' mobile app.

``POST /api/referrals/auth/token/`` with username and password returns a random key once;
the app sends it as ``Authorization: Token <key>`` (``Bearer`` is accepted too). Only a
SHA-256 hash of the key is stored; keys expire after ``REFERRALS_TOKEN_DAYS`` (default 90)
and ``DELETE /api/referrals/auth/token/`` revokes the one in use. Staff pages use the session.
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


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_issue(*, user, name: str = "") -> tuple[ApiToken, str]:
    """A new token for ``user``; the key is returned once and never stored."""
    key = secrets.token_urlsafe(32)
    days = int(getattr(settings, "REFERRALS_TOKEN_DAYS", 90))
    with transaction.atomic():
        token = ApiToken(
            user=user,
            name=(name or "").strip()[:100],
            prefix=key[:8],
            key_hash=_hash(key),
            expires_at=timezone.now() + timedelta(days=days),
        )
        token.full_clean()
        token.save()
    return token, key


def token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


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
