"""OpenAPI description of the referral API's token authentication (drf-spectacular extension)."""

from functools import cache

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "referrals.auth.TokenAuthentication"
    name = "referralsToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "'Token <key>' (or 'Bearer <key>'), the key from POST /api/referrals/auth/token/.",
        }


@cache  # one component per serializer, however many views list it
def page_of(serializer_class):
    """The OpenAPI shape of a paginated list (``{count, next, previous, results}``) of ``serializer_class``."""
    from drf_spectacular.utils import inline_serializer
    from rest_framework import serializers

    name = serializer_class.__name__.removesuffix("Serializer")
    return inline_serializer(
        name=f"Paginated{name}List",
        fields={
            "count": serializers.IntegerField(help_text="Items in every page together."),
            "next": serializers.URLField(allow_null=True, help_text="The next page, or null on the last one."),
            "previous": serializers.URLField(allow_null=True, help_text="The previous page, or null on the first."),
            "results": serializer_class(many=True),
        },
    )
