"""Teaches drf-spectacular the Api-Key scheme, so /api/schema/ documents it."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class FactoryApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "production.api.authentication.FactoryApiKeyAuthentication"
    name = "FactoryApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "Send `Authorization: Api-Key <key>` with every request. The key looks like "
                "`c2f_<prefix>_<secret>`, is printed once when the factory is created "
                "(`manage.py create_factory NAME`) and can be revoked by the seller."
            ),
        }
