"""OpenAPI description of the referral API's token authentication (drf-spectacular extension)."""

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
