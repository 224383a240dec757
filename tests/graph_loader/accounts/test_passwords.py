"""The real argon2id settings (the rest of the suite hashes at the cheapest ones)."""

from __future__ import annotations

from argon2 import PasswordHasher, extract_parameters

from graph_loader.accounts import passwords


def test_hashes_are_argon2id_at_the_rfc_9106_settings(cheap_password_hashes):
    real = PasswordHasher()
    hashed = real.hash("correct horse battery")
    parameters = extract_parameters(hashed)
    assert hashed.startswith("$argon2id$")
    assert (parameters.memory_cost, parameters.time_cost) == (65536, 3)
    assert real.verify(hashed, "correct horse battery")


def test_a_hash_verifies_only_its_password_and_a_bad_hash_never():
    hashed = passwords.hash_password("correct horse battery")
    assert passwords.verify_password(hashed, "correct horse battery")
    assert not passwords.verify_password(hashed, "correct horse batterY")
    assert not passwords.verify_password("not a hash", "correct horse battery")


def test_a_hash_from_the_cheap_settings_needs_rehashing_under_the_real_ones():
    hashed = passwords.hash_password("correct horse battery")
    assert PasswordHasher().check_needs_rehash(hashed)
