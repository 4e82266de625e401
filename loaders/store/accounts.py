"""User accounts: roles, hashed passwords, what each role may do, and their audit entries.

Roles:
- `consulta`: reads (the presidente, regidores);
- `planeacion`: uploads the POA workbooks of any area;
- `direccion`: records the spending of its own area(s);
- `admin`: manages accounts, reads the audit trail, and may do everything the others do.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from loaders.store.schema import AuditEntry, Plan, UserAccount
from loaders.store.versions import record_audit, writer
from loaders.text import fold

ROLES = {
    "consulta": "Consulta",
    "planeacion": "Planeación",
    "direccion": "Dirección de área",
    "admin": "Administración",
}
READ, UPLOAD, BUDGET, ADMIN = "read", "upload", "budget", "admin"
PERMISSIONS = {
    READ: set(ROLES),
    UPLOAD: {"planeacion", "admin"},
    BUDGET: {"direccion", "admin"},
    ADMIN: {"admin"},
}
PERMISSION_WORDS = {
    READ: "consultar",
    UPLOAD: "cargar POA",
    BUDGET: "registrar el ejercicio del presupuesto",
    ADMIN: "administrar cuentas",
}
MIN_PASSWORD = 10
# Checked against when the username does not exist, so both cases take the same time.
_DUMMY_HASH = generate_password_hash("tablero-poa-dummy")


class AccountError(ValueError):
    """A refused account operation; the message is a Spanish sentence for the user."""


@dataclass(frozen=True)
class User:
    id: int
    username: str
    full_name: str
    role: str
    areas: tuple[tuple[str, str], ...]
    active: bool
    session_stamp: str
    created_at: datetime

    @property
    def display(self) -> str:
        return self.full_name or self.username

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)

    def areas_text(self) -> str:
        return "; ".join(f"{a} ({m})" if m else a for m, a in self.areas) or "—"


def _user(row: UserAccount) -> User:
    areas = tuple((str(a.get("municipio", "")), str(a.get("area", ""))) for a in row.areas or [])
    return User(row.id, row.username, row.full_name, row.role, areas, row.active,
                row.session_stamp, row.created_at)


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def may(user: User | None, permission: str, *, public_read: bool = False) -> bool:
    """Whether `user` (None = not signed in) holds `permission`, before any area check."""
    if user is None or not user.active:
        return permission == READ and public_read
    return user.role in PERMISSIONS[permission]


def may_budget(user: User | None, plan: Plan | None) -> bool:
    """A direccion account records spending only for the areas it was given; admin for all."""
    if not may(user, BUDGET) or plan is None:
        return False
    if user.role == "admin":
        return True
    return any(
        fold(area) == fold(plan.area) and (not municipio or fold(municipio) == fold(plan.municipio))
        for municipio, area in user.areas
    )


def random_password() -> str:
    return secrets.token_urlsafe(12)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"La contraseña debe tener al menos {MIN_PASSWORD} caracteres.")


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"El rol «{role}» no existe; use uno de: {', '.join(ROLES)}.")


def parse_area(text: str) -> dict[str, str]:
    """`"Migrantes y Ex braceros"` or `"Sombrerete: Migrantes y Ex braceros"` (municipio: área)."""
    municipio, _, area = text.rpartition(":")
    area = area.strip()
    if not area:
        raise AccountError(f"Área vacía en «{text}».")
    return {"municipio": municipio.strip(), "area": area}


def get_user(session: Session, user_id: int) -> User | None:
    row = session.get(UserAccount, user_id)
    return _user(row) if row is not None else None


def find_user(session: Session, username: str) -> User | None:
    row = session.execute(
        select(UserAccount).where(UserAccount.username == username.strip().lower())
    ).scalar_one_or_none()
    return _user(row) if row is not None else None


def list_users(session: Session) -> list[User]:
    rows = session.execute(select(UserAccount).order_by(UserAccount.username)).scalars()
    return [_user(r) for r in rows]


def count_users(session: Session) -> int:
    return session.execute(select(func.count()).select_from(UserAccount)).scalar_one()


def add_user(
    engine: Engine, username: str, password: str, role: str, *, full_name: str = "",
    areas: list[dict[str, str]] | None = None, by: str, remote_addr: str = "",
) -> User:
    username = username.strip().lower()
    if not username or len(username) > 80 or any(c.isspace() for c in username):
        raise AccountError("El usuario debe ser una palabra sin espacios de hasta 80 caracteres.")
    _check_role(role)
    _check_password(password)
    now = _now()
    try:
        with Session(writer(engine)) as session, session.begin():
            row = UserAccount(
                username=username, full_name=full_name.strip(),
                password_hash=generate_password_hash(password), role=role,
                areas=list(areas or []), active=True, session_stamp=secrets.token_hex(16),
                created_at=now,
            )
            session.add(row)
            session.flush()
            record_audit(session, "user_added", user=by, remote_addr=remote_addr, now=now,
                         detail=f"cuenta «{username}» con rol {ROLES[role]}"
                         + (f", áreas: {_user(row).areas_text()}" if areas else ""))
            return _user(row)
    except IntegrityError as exc:
        raise AccountError(f"Ya existe una cuenta «{username}».") from exc


def _update(engine: Engine, username: str, by: str, remote_addr: str, action: str, change) -> User:
    now = _now()
    with Session(writer(engine)) as session, session.begin():
        row = session.execute(
            select(UserAccount).where(UserAccount.username == username.strip().lower())
        ).scalar_one_or_none()
        if row is None:
            raise AccountError(f"No existe la cuenta «{username}».")
        detail = change(row)
        record_audit(session, action, user=by, remote_addr=remote_addr, now=now,
                     detail=f"cuenta «{row.username}»: {detail}")
        session.flush()
        return _user(row)


def set_role(
    engine: Engine, username: str, role: str, *, areas: list[dict[str, str]] | None = None,
    by: str, remote_addr: str = "",
) -> User:
    _check_role(role)

    def change(row: UserAccount) -> str:
        before = ROLES.get(row.role, row.role)
        row.role = role
        if areas is not None:
            row.areas = list(areas)
        text = f"rol {before} → {ROLES[role]}"
        return text + (f", áreas: {_user(row).areas_text()}" if areas is not None else "")

    return _update(engine, username, by, remote_addr, "role_changed", change)


def set_active(
    engine: Engine, username: str, active: bool, *, by: str, remote_addr: str = ""
) -> User:
    def change(row: UserAccount) -> str:
        row.active = active
        row.session_stamp = secrets.token_hex(16)
        return "activada" if active else "desactivada"

    return _update(engine, username, by, remote_addr,
                   "user_enabled" if active else "user_disabled", change)


def set_password(
    engine: Engine, username: str, password: str, *, by: str, remote_addr: str = ""
) -> User:
    _check_password(password)

    def change(row: UserAccount) -> str:
        row.password_hash = generate_password_hash(password)
        row.session_stamp = secrets.token_hex(16)
        return "contraseña cambiada"

    return _update(engine, username, by, remote_addr, "password_changed", change)


# -- throttling of sign-in attempts ------------------------------------------------------------------
#
# Failed tries are the `login_failed` audit entries (insert-only). They are counted per account
# (all addresses) and per source address (all accounts) within FAILURE_WINDOW. Past the free tries
# of a key, the next try must wait a delay that doubles with each further failure, counted from
# that key's latest failure, up to MAX_DELAY. A try refused for waiting is audited with
# THROTTLED_DETAIL and is not counted: it never extends the wait. An account allows more free
# tries than one address can make in a window, so one throttled address cannot keep the account's
# owner out from another address. The count, the password check and the new entry run in one
# transaction that holds the write lock (SQLite, BEGIN IMMEDIATE) or an advisory lock per account
# and per address (PostgreSQL): parallel guesses are checked one after another.

FAILURE_WINDOW = timedelta(hours=1)
FREE_TRIES_ADDRESS = 5  # failures from one address (any account) before the delays start
FREE_TRIES_ACCOUNT = 20  # failures on one account (any address) before the delays start
FIRST_DELAY = timedelta(minutes=1)
MAX_DELAY = timedelta(minutes=15)
MAX_FAILURES = FREE_TRIES_ADDRESS  # kept for older imports
THROTTLED_DETAIL = "bloqueado por demasiados intentos"
EMPTY_USERNAME = "(vacío)"


def throttle_delay(failures: int, free: int) -> timedelta:
    """How long after the latest failure the next try must wait, with `failures` in the window."""
    if failures < free:
        return timedelta(0)
    return min(MAX_DELAY, FIRST_DELAY * 2 ** min(failures - free, 16))


def _failures(session: Session, column, value: str, now: datetime) -> tuple[int, datetime | None]:
    """Counted failures of one key in the window, and the latest one's time."""
    count, latest = session.execute(
        select(func.count(), func.max(AuditEntry.at)).where(
            AuditEntry.action == "login_failed", column == value,
            AuditEntry.detail != THROTTLED_DETAIL, AuditEntry.at > now - FAILURE_WINDOW,
        )
    ).one()
    return count, latest


def recent_failures(session: Session, username: str, now: datetime) -> int:
    """Counted failed tries on this account within the window (waiting refusals excluded)."""
    return _failures(session, AuditEntry.user, username or EMPTY_USERNAME, now)[0]


def throttle_wait(
    session: Session, username: str, remote_addr: str, now: datetime
) -> timedelta:
    """How long this account and this address must still wait before a try (0 = may try now)."""
    wait = timedelta(0)
    for column, value, free in (
        (AuditEntry.user, username or EMPTY_USERNAME, FREE_TRIES_ACCOUNT),
        (AuditEntry.remote_addr, remote_addr, FREE_TRIES_ADDRESS),
    ):
        count, latest = _failures(session, column, value, now)
        if latest is not None:
            wait = max(wait, latest + throttle_delay(count, free) - now)
    return wait


def _lock_key(kind: str, value: str) -> int:
    """A stable signed 64-bit key for a PostgreSQL advisory lock (same in every process)."""
    digest = hashlib.sha256(f"tablero-poa:login:{kind}:{value}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _serialize_attempts(session: Session, username: str, remote_addr: str) -> None:
    """On PostgreSQL, wait for any other try on this account or from this address to finish.

    Locks are taken in a fixed order, so two tries never wait for each other. On SQLite the
    transaction already holds the database's write lock (BEGIN IMMEDIATE)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    keys = sorted({_lock_key("account", username), _lock_key("address", remote_addr)})
    for key in keys:
        session.execute(select(func.pg_advisory_xact_lock(key)))


def _minutes(wait: timedelta) -> str:
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    return "1 minuto" if minutes == 1 else f"{minutes} minutos"


def authenticate(
    engine: Engine, username: str, password: str, *, remote_addr: str = "",
    now: datetime | None = None,
) -> User:
    """The active user with this password, audited either way; AccountError (Spanish) if not.

    The audit entry of a refusal is committed before the error is raised. `now` is for tests.
    """
    username = (username or "").strip().lower()[:80]
    remote_addr = (remote_addr or "")[:100]
    now = now or _now()
    user: User | None = None
    refusal = "Usuario o contraseña incorrectos, o cuenta desactivada."
    with Session(writer(engine)) as session, session.begin():
        _serialize_attempts(session, username, remote_addr)
        wait = throttle_wait(session, username, remote_addr, now)
        if wait > timedelta(0):
            record_audit(session, "login_failed", user=username or EMPTY_USERNAME,
                         remote_addr=remote_addr, now=now, detail=THROTTLED_DETAIL)
            refusal = (f"Demasiados intentos fallidos; espere {_minutes(wait)} antes de volver "
                       "a intentar.")
        else:
            row = session.execute(
                select(UserAccount).where(UserAccount.username == username)
            ).scalar_one_or_none()
            ok = check_password_hash(row.password_hash if row else _DUMMY_HASH, password or "")
            if row is not None and ok and row.active:
                user = _user(row)
                record_audit(session, "login", user=username, remote_addr=remote_addr, now=now,
                             detail=f"rol {user.role_label}")
            else:
                reason = ("cuenta desactivada" if row is not None and ok else
                          "usuario o contraseña incorrectos")
                record_audit(session, "login_failed", user=username or EMPTY_USERNAME,
                             remote_addr=remote_addr, now=now, detail=reason)
    if user is None:
        raise AccountError(refusal)
    return user


def end_sessions(engine: Engine, user_id: int, *, remote_addr: str = "") -> User | None:
    """Sign-out: a new session stamp voids every session of the account, on the server; audited.

    None if the account no longer exists."""
    with Session(writer(engine)) as session, session.begin():
        row = session.get(UserAccount, user_id)
        if row is None:
            return None
        row.session_stamp = secrets.token_hex(16)
        record_audit(session, "logout", user=row.username, remote_addr=remote_addr)
        session.flush()
        return _user(row)


def ensure_admin(engine: Engine) -> str | None:
    """With no accounts at all, create `admin` with a random password and return it (else None)."""
    with Session(engine) as session:
        if count_users(session):
            return None
    password = random_password()
    try:
        add_user(engine, "admin", password, "admin", full_name="Administración",
                 by="sistema (primer arranque)")
    except AccountError:  # another worker created it at the same moment
        return None
    return password
