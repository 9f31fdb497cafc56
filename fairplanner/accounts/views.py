"""Sign-up, login, logout, password, company profile and colleagues."""

from __future__ import annotations

import math

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user
from flask_login.utils import decode_cookie
from sqlalchemy import select

from fairplanner import confirm
from fairplanner.accounts import apitokens, services, sessions, throttle
from fairplanner.accounts.forms import (
    AcceptInvitationForm,
    ApiTokenForm,
    ChangePasswordForm,
    CompanyForm,
    ForgotPasswordForm,
    InviteForm,
    LoginForm,
    ResetPasswordForm,
    SignupForm,
    company_form,
)
from fairplanner.accounts.landing import home_for, landing
from fairplanner.accounts.models import (
    ApiToken,
    Company,
    Invitation,
    TokenScope,
    User,
    new_session_key,
)
from fairplanner.core.views import safe_next
from fairplanner.db import utcnow
from fairplanner.errors import DomainError
from fairplanner.events import Consent
from fairplanner.extensions import db, limiter, login_manager
from fairplanner.i18n import current_language
from fairplanner.media.forms import ImageUploadForm
from fairplanner.media.services import ImageError, store_image
from fairplanner.pagecache import public_page

bp = Blueprint("accounts", __name__)
SIGNED_UP = "signed_up_as"  # session key: the address this browser signed up with


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The user of a live login: not logged out, not from before a password change."""
    return sessions.load(user_id, public_page=public_page())


def _remember_cookie_name() -> str:
    return current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")


def start_session(user: User, *, remember: bool) -> None:
    """Log `user` in with a new login: a new key, an empty session (so a planted session
    cannot be carried into the account, and the CSRF secret is made anew), and the logins
    this browser held before revoked."""
    previous = [
        session.get("_user_id"),
        decode_cookie(request.cookies.get(_remember_cookie_name(), "")),
    ]
    for login_id in previous:
        old = sessions.load(login_id) if isinstance(login_id, str) else None
        if old is not None:
            sessions.revoke(old)
    session.clear()
    user.session_key = new_session_key()
    login_user(user, remember=remember)
    if not remember:
        session["_remember"] = "clear"  # an older remember-me cookie of this browser goes too


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _signup_limit() -> str:
    return current_app.config["SIGNUP_RATE_LIMIT"]


def _invite_limit() -> str:
    return current_app.config["INVITE_RATE_LIMIT"]


def company_required() -> Company:
    """The current user's company; staff and admins without one get a 403."""
    if current_user.company is None:
        abort(403)
    return current_user.company


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(_signup_limit, methods=["POST"])
def signup() -> ResponseReturnValue:
    """Create a company account: its first member, then the profile."""
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = SignupForm()
    if form.validate_on_submit():
        user = services.request_sign_up(
            form.email.data,
            form.password.data,
            company_name=form.company_name.data,
            language=current_language(),
            consent=Consent(lang=current_language()),
        )
        if user is not None:
            services.send_verification(user, lang=current_language())
        db.session.commit()
        # The confirmation link opens the new account only in this browser: someone else who
        # signed up with a stranger's address must not have the stranger logged into an account
        # whose password they chose. Set whether or not the address was free (same answer).
        session[SIGNED_UP] = services.normalize_email(form.email.data)
        # The same answer whether or not the address had an account (that owner gets a mail
        # saying so): the new account opens from the confirmation link.
        flash(
            _(
                "We have sent a message to %(email)s. Open the link in it to confirm the "
                "address and continue.",
                email=services.normalize_email(form.email.data),
            ),
            "info",
        )
        return redirect(url_for("accounts.login"))
    status = 422 if form.errors else 200
    return render_template("accounts/signup.html", form=form), status


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login() -> ResponseReturnValue:
    """Log in; `next` may only lead to a page of this site that the user may open."""
    wanted = safe_next(request.args.get("next"), "")
    if current_user.is_authenticated:
        return redirect(landing(current_user, wanted))
    form = LoginForm()
    if form.validate_on_submit():
        cookie = request.cookies.get(current_app.config["KNOWN_DEVICE_COOKIE"])
        device = (
            throttle.device_for(services.find_user(form.email.data), cookie) if cookie else None
        )
        wait = throttle.retry_after(form.email.data, device)
        if wait is not None:
            minutes = math.ceil(wait / 60)
            flash(
                ngettext(
                    "Too many failed attempts to log in to this account. Try again in "
                    "%(num)d minute or reset the password.",
                    "Too many failed attempts to log in to this account. Try again in "
                    "%(num)d minutes or reset the password.",
                    minutes,
                ),
                "error",
            )
            page = render_template("accounts/login.html", form=form)
            return page, 429, {"Retry-After": str(wait)}
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            start_session(user, remember=form.remember.data)
            db.session.commit()
            response = redirect(landing(user, wanted))
            throttle.remember_device(response, user, cookie)
            return response
        throttle.record_failure(form.email.data, device)
        form.password.errors.append(_("The email or the password is not correct."))
    status = 422 if form.errors else 200
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """Log out (a POST with a CSRF token, so that no link can log a user out): the login ends
    on the server too, so a saved copy of its cookies no longer signs anyone in."""
    if current_user.is_authenticated:
        sessions.revoke(current_user._get_current_object())
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    return redirect(url_for("catalogue.index"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password() -> ResponseReturnValue:
    """Change the password; other sessions of the user end."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user, current=form.current.data, new=form.password.data
            )
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            form.current.errors.append(exc.message)
        else:
            user = current_user._get_current_object()  # the User, not the proxy to it
            # Every login of the user has ended; this browser carries on with a new one.
            start_session(user, remember=_remember_cookie_name() in request.cookies)
            db.session.commit()
            flash(_("Your password has been changed."), "success")
            return redirect(home_for(user))
    status = 422 if form.errors else 200
    return render_template("accounts/password.html", form=form), status


def _company_form(company: Company, *, saved: bool = False) -> CompanyForm:
    """The profile form: as saved on GET (or when `saved`), else as posted."""
    return company_form(company, saved=saved or request.method == "GET")


@bp.route("/company", methods=["GET", "POST"])
@login_required
def company() -> ResponseReturnValue:
    """The company profile: identifiers, region, sectors and the contact for organizers."""
    company = company_required()
    form = _company_form(company)
    if form.validate_on_submit():
        try:
            services.update_company(company, form.profile())
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            form.tax_id.errors.append(exc.message)
        else:
            flash(_("The company profile has been saved."), "success")
            return redirect(url_for("accounts.company"))
    status = 422 if form.errors else 200
    return _company_page(company, form, ImageUploadForm(formdata=None, prefix="logo"), status)


def _company_page(
    company: Company, form: CompanyForm, logo_form: ImageUploadForm, status: int
) -> ResponseReturnValue:
    return render_template(
        "accounts/company.html", form=form, company=company, logo_form=logo_form
    ), status


@bp.post("/company/logo")
@login_required
def company_logo() -> ResponseReturnValue:
    """Upload or replace the company's logo; a file that is no acceptable image is refused on
    the profile page, in the user's language, and nothing is stored."""
    company = company_required()
    logo_form = ImageUploadForm(prefix="logo")
    if logo_form.validate_on_submit():
        upload = logo_form.image.data
        if not upload or not getattr(upload, "filename", ""):
            logo_form.image.errors.append(_("Choose an image file: PNG, JPEG or WebP."))
        else:
            try:
                services.set_company_logo(company, store_image(upload.stream))
                db.session.commit()
            except ImageError as exc:
                db.session.rollback()
                logo_form.image.errors.append(exc.message)
            else:
                flash(_("The logo has been saved."), "success")
                return redirect(url_for("accounts.company", _anchor="logo"))
    status = 422 if logo_form.errors else 400
    return _company_page(company, _company_form(company, saved=True), logo_form, status)


@bp.post("/company/logo/remove")
@login_required
def remove_company_logo() -> ResponseReturnValue:
    """Take the logo down, after a confirmation."""
    company = company_required()
    if company.logo is None:
        return redirect(url_for("accounts.company"))
    if not confirm.confirmed():
        return confirm.ask(
            title=_("Remove the logo?"),
            lines=[_("The company's pages will show its name without a logo.")],
            button=_("Remove the logo"),
            back=url_for("accounts.company", _anchor="logo"),
        )
    services.set_company_logo(company, None)
    db.session.commit()
    flash(_("The logo has been removed."), "success")
    return redirect(url_for("accounts.company", _anchor="logo"))


@bp.route("/company/members", methods=["GET", "POST"])
@login_required
@limiter.limit(_invite_limit, methods=["POST"])
def members() -> ResponseReturnValue:
    """Colleagues of the company and invitations for new ones."""
    company = company_required()
    form = InviteForm()
    if form.validate_on_submit():
        # The link goes only to the invitee's mailbox: shown here, it would let the inviting
        # member open an account in a colleague's name, or see whether the address has one.
        invitation, _token = services.invite_member(
            company, form.email.data, invited_by=current_user
        )
        db.session.commit()
        flash(_("Invitation sent to %(email)s.", email=invitation.email), "success")
        return redirect(url_for("accounts.members"))
    invitations = db.session.scalars(
        select(Invitation)
        .where(
            Invitation.company_id == company.id,
            Invitation.accepted_at.is_(None),
            Invitation.expires_at > utcnow(),
        )
        .order_by(Invitation.created_at.desc())
    ).all()
    status = 422 if form.errors else 200
    return render_template(
        "accounts/members.html", form=form, company=company, invitations=invitations
    ), status


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept(token: str) -> ResponseReturnValue:
    """Join a company through an invitation link by choosing a password."""
    try:
        invitation = services.open_invitation(token)
    except DomainError:
        abort(404)
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            user = services.accept_invitation(
                token, form.password.data, consent=Consent(lang=current_language())
            )
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            form.password.errors.append(exc.message)
        else:
            start_session(user, remember=False)
            db.session.commit()
            flash(_("Welcome to %(company)s.", company=user.company.display_name), "success")
            return redirect(url_for("registrations.mine"))
    status = 422 if form.errors else 200
    return render_template("accounts/accept.html", form=form, invitation=invitation), status


@bp.get("/verify/<token>")
def verify(token: str) -> ResponseReturnValue:
    """The link from the confirmation message; the first time, it opens the new account."""
    verified = services.verify_email(token)
    if verified is None:
        flash(_("This confirmation link is not valid or has expired."), "error")
    else:
        user, first_time = verified
        opened = (
            first_time
            and not current_user.is_authenticated
            and session.pop(SIGNED_UP, None) == user.email
        )
        if opened:
            start_session(user, remember=False)
        db.session.commit()
        flash(_("Your email address is confirmed."), "success")
        if opened and user.company is not None:
            return redirect(url_for("accounts.company"))
    return redirect(
        home_for(current_user) if current_user.is_authenticated else url_for("accounts.login")
    )


@bp.post("/account/verify")
@login_required
@limiter.limit(_signup_limit)
def resend_verification() -> ResponseReturnValue:
    """Send the confirmation link again."""
    if current_user.email_verified_at is None:
        services.send_verification(current_user, lang=current_language())
        db.session.commit()
    flash(_("We have sent the confirmation link to %(email)s.", email=current_user.email), "info")
    return redirect(home_for(current_user))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def forgot_password() -> ResponseReturnValue:
    """Ask for a reset link; the answer is the same whether or not the address is known."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data, lang=current_language())
        db.session.commit()
        flash(
            _(
                "If this address has an account, a link to reset its password is on its "
                "way. It works for an hour."
            ),
            "info",
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot.html", form=form), (422 if form.errors else 200)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> ResponseReturnValue:
    """Choose a new password from the link in the reset message (once, within an hour)."""
    user = services.user_for_reset(token)
    if user is None:
        flash(_("This reset link is not valid any more. Ask for a new one."), "error")
        return redirect(url_for("accounts.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.reset_password(user, form.password.data)
        db.session.commit()
        logout_user()
        flash(_("Your password has been changed. Log in with the new one."), "success")
        response = redirect(url_for("accounts.login"))
        # Whoever opened the link reads the mailbox: this browser may log in even while
        # strangers' guesses hold the account back.
        cookie = request.cookies.get(current_app.config["KNOWN_DEVICE_COOKIE"])
        throttle.remember_device(response, user, cookie)
        return response
    return render_template("accounts/reset.html", form=form), (422 if form.errors else 200)


@bp.route("/account/api-tokens", methods=["GET", "POST"])
@login_required
def api_tokens() -> ResponseReturnValue:
    """The user's personal API tokens: a new one is shown once, here, then only its start."""
    form = ApiTokenForm()
    secret = None
    status = 200
    if form.validate_on_submit():
        try:
            _token, secret = apitokens.create_token(
                current_user,
                name=form.name.data,
                scope=TokenScope(form.scope.data),
                lifetime_days=form.lifetime_days(),
            )
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            form.name.errors.append(exc.message)
        else:
            status = 201
            form = ApiTokenForm(formdata=None)
    if form.errors:
        status = 422
    tokens = db.session.scalars(apitokens.tokens_of(current_user)).all()
    response = make_response(
        render_template(
            "accounts/api_tokens.html", form=form, tokens=tokens, secret=secret, now=utcnow()
        ),
        status,
    )
    response.headers["Cache-Control"] = "no-store"  # the page may hold a new secret
    return response


@bp.post("/account/api-tokens/<int(max=2147483647):token_id>/revoke")
@login_required
def revoke_api_token(token_id: int) -> ResponseReturnValue:
    """Revoke one of the user's tokens, after a confirmation."""
    token = db.session.scalar(
        select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == current_user.id)
    )
    if token is None:
        abort(404)
    if token.revoked_at is None and not confirm.confirmed():
        return confirm.ask(
            title=_("Revoke the token?"),
            lines=[
                _(
                    "Programs that use it will be refused from now on. This cannot be undone: "
                    "to connect them again, create a new token."
                )
            ],
            items=[f"{token.name} ({token.prefix}…)"],
            button=_("Revoke the token"),
            back=url_for("accounts.api_tokens"),
        )
    apitokens.revoke_token(token)
    db.session.commit()
    flash(_("The token %(name)s has been revoked.", name=token.name), "success")
    return redirect(url_for("accounts.api_tokens"))
