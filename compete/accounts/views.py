"""Placeholder routes; the accounts work replaces these."""

from flask import Blueprint, abort

bp = Blueprint("accounts", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    abort(404)


@bp.route("/register", methods=["GET", "POST"])
def register():
    abort(404)


@bp.post("/logout")
def logout():
    abort(404)


@bp.get("/profile")
def profile():
    abort(404)
