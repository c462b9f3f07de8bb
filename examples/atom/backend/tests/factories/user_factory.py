from tests.factories.base import BaseFactory

from core.models import User


class UserFactory(BaseFactory):
    model = User

    @classmethod
    def defaults(cls, n, overrides):
        return {"email": f"user{n}@example.com", "first_name": "User", "last_name": f"Number{n}"}
