import enum

from flask_babel import lazy_gettext as _l


class Role(enum.StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    VIEWER = "viewer"
    GUEST = "guest"

    @property
    def label(self):
        return {
            Role.ADMIN: _l("Administrator"),
            Role.COORDINATOR: _l("Coordinator"),
            Role.VIEWER: _l("Viewer"),
            Role.GUEST: _l("Guest (partner city)"),
        }[self]
