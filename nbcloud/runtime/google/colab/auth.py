"""Google sign-in, which a self-hosted nbcloud does not have."""

from google.colab import errors

MESSAGE = ("Google sign-in is not available on nbcloud: this runtime cannot get Google credentials. "
           "For Google Cloud APIs, put a service account key in a secret (google.colab.userdata) and set "
           "GOOGLE_APPLICATION_CREDENTIALS; for your files, use drive.mount('/content/drive').")


def authenticate_user(clear_output: bool = True, project_id: str | None = None) -> None:
    raise errors.AuthorizationError(MESSAGE)


def authenticate_service_account(*args, **kwargs) -> None:
    raise errors.AuthorizationError(MESSAGE)
