"""Flask extensions, created unbound and initialised in the factory."""

from flask_babel import Babel
from flask_babel import lazy_gettext as _l
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from fairplanner.db import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
babel = Babel()
login_manager = LoginManager()
login_manager.login_view = "accounts.login"
login_manager.login_message = _l("Please log in to open this page.")
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"
# Storage comes from RATELIMIT_STORAGE_URI: memory by default, Redis when REDIS_URL is set.
limiter = Limiter(key_func=get_remote_address)
