"""Staff URLs, mounted at /staff/ (English only, outside i18n_patterns).

Fixed paths come before `<slug:org_slug>/`, so they win over an organisation with the same slug.
`tests/test_access.py` lists what every name here requires and fails on a name it does not know.
"""

from django.urls import path

from townhall.identity.views import account, api_keys, invitations, organisation, sign_in

app_name = "identity"
urlpatterns = [
    path("", organisation.home, name="home"),
    path("sign-in/", sign_in.sign_in, name="sign-in"),
    path("sign-out/", sign_in.sign_out, name="sign-out"),
    path("account/", account.account, name="account"),
    path("account/password/", account.password_change, name="password-change"),
    path("account/authenticator/", account.authenticator_setup, name="authenticator-setup"),
    path("account/recovery-codes/", account.recovery_codes, name="recovery-codes"),
    path(
        "account/recovery-codes/regenerate/",
        account.recovery_codes_regenerate_view,
        name="recovery-codes-regenerate",
    ),
    path(
        "account/sign-out-everywhere/",
        account.sign_out_everywhere,
        name="sign-out-everywhere",
    ),
    path(
        "invitations/<str:token>/",
        invitations.invitation_accept_view,
        name="invitation-accept",
    ),
    path("<slug:org_slug>/", organisation.organisation, name="organisation"),
    path("<slug:org_slug>/team/", organisation.team, name="team"),
    path("<slug:org_slug>/team/invite/", organisation.team_invite, name="team-invite"),
    path(
        "<slug:org_slug>/team/<uuid:membership_id>/",
        organisation.team_member,
        name="team-member",
    ),
    path(
        "<slug:org_slug>/team/invitations/<uuid:invitation_id>/revoke/",
        organisation.invitation_revoke_view,
        name="invitation-revoke",
    ),
    path("<slug:org_slug>/audit/", organisation.audit_log, name="audit"),
    path("<slug:org_slug>/api-keys/", api_keys.api_keys, name="api-keys"),
    path("<slug:org_slug>/api-keys/new/", api_keys.api_key_create_view, name="api-key-create"),
    path(
        "<slug:org_slug>/api-keys/<uuid:api_key_id>/revoke/",
        api_keys.api_key_revoke_view,
        name="api-key-revoke",
    ),
]
