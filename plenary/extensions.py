"""The unbound extension objects; create_app binds them with init_app."""

import hashlib

from flask import request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints, so that Alembic can alter them on SQLite and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(compare_type=True, render_as_batch=True)
csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()
mail = Mail()


def rate_limit_key() -> str:
    """A personal link's own bucket on pages opened by one; else the client's address.

    Behind a load balancer, every State's focal point may reach the app from one address
    (see TRUSTED_PROXIES); their links tell them apart.
    """
    token = (request.view_args or {}).get("token")
    if isinstance(token, str) and token:
        return "link:" + hashlib.sha256(token.encode()).hexdigest()[:32]
    return get_remote_address()


limiter = Limiter(key_func=rate_limit_key, default_limits=[])
