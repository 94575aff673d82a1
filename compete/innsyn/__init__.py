"""Innsyn (R44): public-access requests under offentleglova, redacted packages, the register."""
