"""Sharing (#16): LinkedIn's add-to-profile link carries the certificate's fields; the wallet
explanation sits beside the signed credential."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from tests.test_certificates_issue import (  # noqa: F401 - fixtures
    app_config,
    course_content,
    eligible_learner,
    issued,
    keys_dir,
)


def test_linkedin_link_and_wallet_explanation(
    client,
    login,
    issued,  # noqa: F811
    eligible_learner,  # noqa: F811
    get_page,
) -> None:
    login(eligible_learner)
    soup = get_page("certificates.mine")
    sharing = soup.select_one("[data-testid=sharing]")
    link = sharing.find("a", string="Add to LinkedIn profile")["href"]
    parts = urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://www.linkedin.com/profile/add"
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert query["startTask"] == "CERTIFICATION_NAME"
    assert issued.snapshot["course_title"] in query["name"]
    assert query["certId"] == issued.code
    assert query["certUrl"].endswith(f"/verify/{issued.code}")
    assert query["issueYear"] == str(issued.issued_at.year)
    assert eligible_learner.email not in link
    assert "Open Badges" in sharing.get_text()
