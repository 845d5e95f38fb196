"""Static files storage of production: hashed names and compressed copies (whitenoise)."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """whitenoise's storage, tolerant of broken references inside third-party CSS.

    django-viewflow ships a stylesheet that points at font files it does not include
    (``viewflow/fonts/roboto/.../Roboto-Thin.woff2``); the stock storage then aborts
    ``collectstatic``. Such a reference is left unhashed (as the package wrote it) instead;
    every file that exists still gets its hashed, cache-forever name.
    """

    def hashed_name(self, name, content=None, filename=None):
        try:
            return super().hashed_name(name, content, filename)
        except ValueError:
            if content is None and not self.exists(self.clean_name(name)):
                return name
            raise
