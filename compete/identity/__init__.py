"""Identity (issue 13): login with ID-porten for participants and with a buyer's own OpenID
Connect provider for its staff, beside the local accounts."""
